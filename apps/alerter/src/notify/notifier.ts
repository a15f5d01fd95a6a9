import type { TSchema } from '@sinclair/typebox';
import { type DefinePlugin, definePlugin, type Plugin } from '@wattbus/config/plugin';
import type { Alert } from '@wattbus/contract';
import type { Logger } from 'pino';

/** Somewhere alert changes go besides the retained alert topic. `notify` never throws nor blocks. */
export interface Notifier {
  readonly name: string;
  notify(alert: Alert): void;
  /** Sends what is pending (digests) and waits for deliveries under way; gives up on retries. */
  close(): Promise<void>;
}

/** What the alerter gives a notifier when it creates it. */
export interface NotifierContext {
  log: Logger;
}

/** A notifier kind: its key and settings under `notify:`, and a factory (no I/O: it connects when it has mail). */
export type NotifierDefinition = Plugin<TSchema, NotifierContext, Notifier>;

export const defineNotifier: DefinePlugin<NotifierContext, Notifier> = definePlugin;

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
