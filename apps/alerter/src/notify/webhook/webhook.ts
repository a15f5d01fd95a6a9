import type { Alert } from '@wattbus/contract';
import type { Logger } from 'pino';
import { type Notifier, NotifyError } from '../notifier.js';
import { withRetry } from '../retry.js';
import type { WebhookConfig } from './config.js';

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * Deliveries under way (each with its retries) at most. Past it, while the endpoint is down in a mass outage, a change
 * is not posted (and logged): the alerter's memory stays bounded, and the retained alert holds the state.
 */
export const WEBHOOK_MAX_PENDING = 1000;

/** POSTs each alert change as JSON (the Alert payload), retried with exponential backoff. */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  private readonly inFlight = new Set<Promise<void>>();
  private dropped = 0;
  private readonly stopping = new AbortController();

  constructor(
    private readonly cfg: WebhookConfig,
    private readonly log: Logger,
  ) {}

  notify(alert: Alert): void {
    if (this.inFlight.size >= WEBHOOK_MAX_PENDING) {
      this.dropped++;
      this.log.warn(
        { url: this.cfg.url, site: alert.site, rule: alert.rule, pending: this.inFlight.size, dropped: this.dropped },
        'webhook backlog full: alert change not posted',
      );
      return;
    }
    const p = this.deliver(alert)
      .catch((err: unknown) =>
        this.log.error({ err: (err as Error).message, ...(err as NotifyError).context }, 'webhook failed'),
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async deliver(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    try {
      await withRetry(
        async () => {
          const res = await fetch(this.cfg.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...this.cfg.headers },
            body,
            signal: AbortSignal.timeout(this.cfg.timeout_ms),
          });
          await res.arrayBuffer();
          if (!res.ok) throw new HttpStatusError(res.status);
        },
        this.cfg.retry,
        this.stopping.signal,
        (err, n, delayMs) =>
          this.log.warn({ url: this.cfg.url, attempt: n, delayMs, err: (err as Error).message }, 'webhook retry'),
      );
    } catch (err) {
      throw new NotifyError(
        (err as Error).message,
        {
          notifier: this.name,
          target: this.cfg.url,
          attempts: (err as { attempts?: number }).attempts ?? 1,
          ...(err instanceof HttpStatusError && { status: err.status }),
        },
        { cause: err },
      );
    }
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
