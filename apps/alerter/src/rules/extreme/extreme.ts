import type { Reading } from '@wattbus/contract';
import { ChannelRule, watts } from '../channel-rule.js';
import { OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { ExtremeSettings } from './config.js';

/** The last `window` power values of a channel, with running sums so mean and stddev cost O(1). */
export class RollingStats {
  private values: Float64Array = new Float64Array(0);
  private next = 0;
  count = 0;
  private sum = 0;
  private sumSq = 0;

  push(x: number, window: number): void {
    if (this.values.length !== window) {
      this.values = new Float64Array(window);
      this.next = this.count = this.sum = this.sumSq = 0;
    }
    if (this.count === window) {
      const old = this.values[this.next] as number;
      this.sum -= old;
      this.sumSq -= old * old;
    } else {
      this.count++;
    }
    this.values[this.next] = x;
    this.next = (this.next + 1) % window;
    this.sum += x;
    this.sumSq += x * x;
  }

  get mean(): number {
    return this.sum / this.count;
  }

  get stddev(): number {
    const m = this.mean;
    // running sums can drift a hair below zero
    return Math.sqrt(Math.max(0, this.sumSq / this.count - m * m));
  }
}

/** Consumption above an absolute threshold, or far outside the channel's own recent distribution. */
export class ExtremeRule extends ChannelRule<ExtremeSettings, RollingStats> {
  readonly id = 'extreme';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver<ExtremeSettings>) {
    super(settings, () => new RollingStats());
  }

  protected judge(r: Reading, s: ExtremeSettings, e: { data: RollingStats }): Verdict | undefined {
    const p = r.values.power_w;
    if (p === undefined || !s.roles.includes(r.role)) return undefined;
    const stats = e.data;
    let verdict: Verdict = OK;
    if (s.max_w !== undefined && Math.abs(p) > s.max_w) {
      verdict = { level: 'bad', message: `${watts(p)} above the threshold of ${watts(s.max_w)}`, value: p };
    } else if (stats.count >= s.min_samples) {
      const mean = stats.mean;
      const sd = Math.max(stats.stddev, s.min_stddev_w);
      if (Math.abs(p - mean) > s.sigma * sd) {
        verdict = {
          level: 'bad',
          message: `${watts(p)}, over ${s.sigma} σ from the recent mean of ${watts(mean)} (σ ${watts(sd)})`,
          value: p,
        };
      }
    }
    // Judged before it joins the window, so a spike is measured against what came before it.
    stats.push(p, s.window);
    return verdict;
  }
}
