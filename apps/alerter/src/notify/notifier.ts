import type { Alert } from '@wattbus/contract';

/** Somewhere alert changes go besides the retained alert topic. `notify` never throws nor blocks. */
export interface Notifier {
  readonly name: string;
  notify(alert: Alert): void;
  /** Sends what is pending (digests) and waits for deliveries under way; gives up on retries. */
  close(): Promise<void>;
}

/** A delivery that failed for good, with what was tried. */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly context: { notifier: string; target: string; attempts: number; status?: number },
    options?: { cause?: unknown },
  ) {
    super(`${context.notifier} to ${context.target}: ${message} (after ${context.attempts} attempts)`, options);
    this.name = 'NotifyError';
  }
}
