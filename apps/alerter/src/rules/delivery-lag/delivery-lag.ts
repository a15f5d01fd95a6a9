import type { Alert, Status } from '@wattbus/contract';
import type { AlertRule, OpenSubject } from '../rule.js';

export interface DeliveryLagOptions {
  /** Raised when the oldest unreceipted reading of a site is older than this. */
  maxLagMs: number;
}

interface Lag {
  /** When the oldest reading not yet covered by every storage receipt was queued. */
  oldest: number;
  unreceipted: number;
}

const minutes = (ms: number) => `${Math.round(ms / 6_000) / 10} min`;

/**
 * A site whose agent waits for storage receipts (`delivery.receipts_from`) has readings not stored for too long:
 * a sink worker or a store is down, or the broker loses what the agent sends. Judged from the agent's retained
 * status (`delivery.oldest_unreceipted_ts`), against the alerter's clock, so the age keeps growing between status
 * updates and after the agent goes silent. An `offline` status (the Will carries no lag) keeps the last known lag.
 */
export class DeliveryLagRule implements AlertRule {
  readonly id = 'delivery-lag';
  readonly severity = 'warning' as const;
  private readonly lags = new Map<string, Lag>();

  constructor(private readonly options: DeliveryLagOptions) {}

  onStatus(site: string, status: Status): void {
    if (status.state === 'offline') return;
    const delivery = status.delivery;
    if (delivery?.oldest_unreceipted_ts === undefined || delivery.unreceipted === 0) this.lags.delete(site);
    else this.lags.set(site, { oldest: delivery.oldest_unreceipted_ts, unreceipted: delivery.unreceipted });
  }

  onRestore(alert: Alert): void {
    const open = alert.open.find((s) => s.subject === 'site');
    if (open && !this.lags.has(alert.site))
      this.lags.set(alert.site, { oldest: open.since, unreceipted: open.value ?? 0 });
  }

  evaluate(now: number): Map<string, Map<string, OpenSubject>> {
    const out = new Map<string, Map<string, OpenSubject>>();
    for (const [site, { oldest, unreceipted }] of this.lags) {
      const age = now - oldest;
      if (age <= this.options.maxLagMs) continue;
      out.set(
        site,
        new Map([
          [
            'site',
            {
              since: oldest,
              value: unreceipted,
              message: `${unreceipted} readings not yet stored (no storage receipt), the oldest for ${minutes(age)} (limit ${minutes(this.options.maxLagMs)})`,
            },
          ],
        ]),
      );
    }
    return out;
  }
}
