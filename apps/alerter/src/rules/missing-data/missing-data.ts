import type { Alert, Info, Reading, Status } from '@wattbus/contract';
import type { AlertRule, OpenSubject } from '../rule.js';

export interface MissingDataOptions {
  /** A channel is missing after this many of its intervals without a reading. */
  afterIntervals: number;
  /** Per-channel `after_intervals` from the config's overrides; `afterIntervals` where none applies. */
  afterIntervalsFor?: (site: string, meter: string, channel: string) => number | undefined;
  /** Interval assumed for meters whose site `info` has not been seen. */
  defaultIntervalMs: number;
  /**
   * An offline agent is reported once it has been offline this long (from when its status was received,
   * since an LWT's ts is set when the agent connected), so an agent that flaps is not reported.
   */
  offlineGraceMs?: number;
}

interface ChannelWatch {
  /**
   * Measurement time of the newest reading taken (capped at its arrival, so a clock running ahead does not
   * postpone the alert), or the `since` of a restored alert; undefined while the channel is only known from info.
   */
  lastTs: number | undefined;
  /** When this process started watching the channel: the fallback for `lastTs`. */
  watchedSince: number;
  intervalMs: number;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** `200 ms`, `1.5 s`, `60 s`: sub-second intervals must not read as `0 s`. */
const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

/** No reading on a channel for N × its interval, or the site's agent went offline (LWT). */
export class MissingDataRule implements AlertRule {
  readonly id = 'missing-data';
  readonly severity = 'warning' as const;
  private readonly channels = new Map<string, Map<string, ChannelWatch>>();
  private readonly intervals = new Map<string, number>();
  private readonly offline = new Map<string, { since: number; heardAt: number }>();
  /** Sites reported offline before a restart: no new grace for them. */
  private readonly restoredOffline = new Set<string>();

  constructor(private readonly options: MissingDataOptions) {}

  private watch(site: string, subject: string, now: number, intervalMs: number): ChannelWatch {
    const siteChannels = getOrCreate(this.channels, site, () => new Map<string, ChannelWatch>());
    const w = getOrCreate(siteChannels, subject, () => ({ lastTs: undefined, watchedSince: now, intervalMs }));
    w.intervalMs = intervalMs;
    return w;
  }

  private intervalOf(site: string, meter: string): number {
    return this.intervals.get(`${site}/${meter}`) ?? this.options.defaultIntervalMs;
  }

  /**
   * Judged on measurement time, like every other rule: a backlog replayed after an outage does not make a
   * channel look alive, and `since` is the time of the channel's last measurement.
   */
  onReading(r: Reading, now: number): void {
    const w = this.watch(r.site, `${r.meter}/${r.channel}`, now, this.intervalOf(r.site, r.meter));
    w.lastTs = Math.max(w.lastTs ?? Number.NEGATIVE_INFINITY, Math.min(r.ts, now));
  }

  onInfo(info: Info, now: number): void {
    for (const meter of info.meters) {
      this.intervals.set(`${info.site}/${meter.id}`, meter.interval_ms);
      for (const c of meter.channels) this.watch(info.site, `${meter.id}/${c.id}`, now, meter.interval_ms);
    }
  }

  /**
   * A channel that was missing before a restart has been silent since its `since` (its last measurement), not
   * since its info was seen again, unless a newer reading was taken since. Subject `site` is left to the
   * retained status, which says whether the agent is still offline.
   */
  onRestore(alert: Alert, now: number): void {
    for (const { subject, since } of alert.open) {
      const [meter, channel, ...rest] = subject.split('/');
      if (subject === 'site') {
        const o = this.offline.get(alert.site);
        if (o) o.heardAt = Number.NEGATIVE_INFINITY;
        else this.restoredOffline.add(alert.site);
        continue;
      }
      if (!meter || !channel || rest.length > 0) continue;
      const w = this.watch(alert.site, subject, now, this.intervalOf(alert.site, meter));
      w.lastTs = Math.max(w.lastTs ?? Number.NEGATIVE_INFINITY, since);
    }
  }

  onStatus(site: string, status: Status, now: number): void {
    if (status.state === 'offline') {
      if (!this.offline.has(site)) {
        const heardAt = this.restoredOffline.has(site) ? Number.NEGATIVE_INFINITY : now;
        this.offline.set(site, { since: Math.min(status.ts, now), heardAt });
      }
    } else {
      this.offline.delete(site);
    }
    this.restoredOffline.delete(site);
  }

  evaluate(now: number): Map<string, Map<string, OpenSubject>> {
    const open = new Map<string, Map<string, OpenSubject>>();
    const add = (site: string, subject: string, s: OpenSubject) =>
      getOrCreate(open, site, () => new Map<string, OpenSubject>()).set(subject, s);
    const grace = this.options.offlineGraceMs ?? 0;
    for (const [site, { since, heardAt }] of this.offline) {
      if (now - heardAt >= grace) add(site, 'site', { since, message: 'agent offline' });
    }
    for (const [site, channels] of this.channels) {
      for (const [subject, w] of channels) {
        const [meter = '', channel = ''] = subject.split('/');
        const after = this.options.afterIntervalsFor?.(site, meter, channel) ?? this.options.afterIntervals;
        const last = w.lastTs ?? w.watchedSince;
        if (now - last >= after * w.intervalMs) {
          add(site, subject, {
            since: last,
            message: `no reading for over ${after} × ${duration(w.intervalMs)}`,
          });
        }
      }
    }
    return open;
  }
}
