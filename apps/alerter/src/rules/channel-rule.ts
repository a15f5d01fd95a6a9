import type { Alert, Reading } from '@wattbus/contract';
import { Debouncer, type Entry, type Timing, type Verdict } from './debounce.js';
import type { AlertRule, OpenSubject } from './rule.js';
import type { SettingsResolver } from './settings.js';

/** What every channel rule's settings have (see `channelRuleSettings`). */
export interface ChannelRuleSettings extends Timing {
  enabled: boolean;
}

/**
 * A rule that judges each reading of a channel on its own (plus the channel's own history in `data`):
 * subject `<meter>/<channel>`, settings from its `rules:` section and the matching overrides.
 */
export abstract class ChannelRule<S extends ChannelRuleSettings, D = undefined> implements AlertRule {
  abstract readonly id: string;
  abstract readonly severity: Alert['severity'];
  protected readonly state: Debouncer<D>;

  constructor(
    private readonly settings: SettingsResolver<S>,
    createData: () => D,
  ) {
    this.state = new Debouncer(createData);
  }

  /** The verdict on one reading, or undefined when the rule has nothing to say about it. */
  protected abstract judge(r: Reading, s: S, e: Entry<D>): Verdict | undefined;

  onReading(r: Reading, _now: number): void {
    const s = this.settings.for(r.site, r.meter, r.channel);
    if (!s.enabled) return;
    const subject = `${r.meter}/${r.channel}`;
    const e = this.state.entry(r.site, subject);
    if (r.ts <= e.lastTs) return;
    e.lastTs = r.ts;
    const v = this.judge(r, s, e);
    if (v) this.state.observe(r.site, subject, e, r.ts, v, s);
  }

  onRestore(alert: Alert): void {
    this.state.restore(alert);
  }

  evaluate(_now: number): Map<string, Map<string, OpenSubject>> {
    return this.state.open();
  }
}

export const watts = (w: number) => `${Math.round(w)} W`;
