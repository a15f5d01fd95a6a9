import type { Alert, Status } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { DeliveryLagRule } from './delivery-lag.js';

const T0 = 1763800000000;
const MIN = 60_000;
const online = (delivery?: Status['delivery']): Status => ({
  v: 1,
  state: 'online',
  ts: T0,
  agent: '0.1.0',
  ...(delivery && { delivery }),
});

describe('delivery-lag rule', () => {
  it("raises a site once its oldest unreceipted reading is older than the limit, by the alerter's clock", () => {
    const rule = new DeliveryLagRule({ maxLagMs: 10 * MIN });
    rule.onStatus('house-12', online({ unreceipted: 840, oldest_unreceipted_ts: T0 }));
    rule.onStatus('house-13', online({ unreceipted: 3, oldest_unreceipted_ts: T0 + 9 * MIN }));
    expect(rule.evaluate(T0 + 10 * MIN).size).toBe(0);
    const open = rule.evaluate(T0 + 12 * MIN);
    expect([...open.keys()]).toEqual(['house-12']);
    expect(open.get('house-12')?.get('site')).toEqual({
      since: T0,
      value: 840,
      message: '840 readings not yet stored (no storage receipt), the oldest for 12 min (limit 10 min)',
    });
  });

  it('resolves when a status says the backlog is receipted, keeps the lag through an offline status', () => {
    const rule = new DeliveryLagRule({ maxLagMs: 10 * MIN });
    rule.onStatus('house-12', online({ unreceipted: 5, oldest_unreceipted_ts: T0 }));
    rule.onStatus('house-12', { ...online(), state: 'offline' });
    expect(rule.evaluate(T0 + 11 * MIN).has('house-12')).toBe(true);
    rule.onStatus('house-12', online({ unreceipted: 0 }));
    expect(rule.evaluate(T0 + 11 * MIN).size).toBe(0);
    rule.onStatus('house-12', online({ unreceipted: 5, oldest_unreceipted_ts: T0 }));
    rule.onStatus('house-12', online()); // an agent without receipts
    expect(rule.evaluate(T0 + 11 * MIN).size).toBe(0);
  });

  it('takes back a retained alert after a restart, until a status says otherwise', () => {
    const rule = new DeliveryLagRule({ maxLagMs: 10 * MIN });
    const alert: Alert = {
      v: 1,
      site: 'house-12',
      rule: 'delivery-lag',
      state: 'raised',
      severity: 'warning',
      ts: T0 + 11 * MIN,
      message: 'x',
      open: [{ subject: 'site', since: T0, message: 'x', value: 7 }],
    };
    rule.onRestore(alert);
    expect(
      rule
        .evaluate(T0 + 12 * MIN)
        .get('house-12')
        ?.get('site')?.since,
    ).toBe(T0);
  });
});
