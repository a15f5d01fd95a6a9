import type { Alert } from '@wattbus/contract';
import type { OpenSubject } from './rule.js';

/** What one reading says about a subject: `hold` is the hysteresis band (neither raise nor clear). */
export type Level = 'bad' | 'ok' | 'hold';
export interface Verdict {
  level: Level;
  message?: string;
  value?: number;
}
export const OK: Verdict = Object.freeze({ level: 'ok' });
export const HOLD: Verdict = Object.freeze({ level: 'hold' });

export interface Timing {
  raise_after_s: number;
  clear_after_s: number;
}

export interface Entry<D> {
  /** Last measurement time taken; older or equal readings (late, out of order, replayed) are ignored. */
  lastTs: number;
  open: boolean;
  since: number;
  /** First measurement time of the current run of bad (while closed) or ok (while open) readings. */
  runSince: number | undefined;
  message: string;
  value: number | undefined;
  /** The rule's own per-subject state (e.g. the previous index, a window of readings). */
  data: D;
}

/**
 * Per (site, subject) raise/resolve decisions on measurement time, with a minimum duration both ways so
 * a value wobbling around a threshold does not flap. Keeps the open subjects apart, so `open()` costs
 * what is open, not what is watched.
 */
export class Debouncer<D = undefined> {
  private readonly entries = new Map<string, Map<string, Entry<D>>>();
  private readonly opened = new Map<string, Map<string, Entry<D>>>();

  constructor(private readonly createData: () => D) {}

  entry(site: string, subject: string): Entry<D> {
    let bySite = this.entries.get(site);
    if (bySite === undefined) {
      bySite = new Map();
      this.entries.set(site, bySite);
    }
    let e = bySite.get(subject);
    if (e === undefined) {
      e = {
        lastTs: Number.NEGATIVE_INFINITY,
        open: false,
        since: 0,
        runSince: undefined,
        message: '',
        value: undefined,
        data: this.createData(),
      };
      bySite.set(subject, e);
    }
    return e;
  }

  observe(site: string, subject: string, e: Entry<D>, ts: number, v: Verdict, t: Timing): void {
    if (v.level === 'hold') {
      if (e.open) e.runSince = undefined;
      return;
    }
    const bad = v.level === 'bad';
    if (bad) {
      e.message = v.message ?? e.message;
      e.value = v.value;
    }
    if (bad !== e.open) {
      e.runSince ??= ts;
      if (ts - e.runSince >= (bad ? t.raise_after_s : t.clear_after_s) * 1000) {
        if (bad) e.since = e.runSince;
        e.runSince = undefined;
        this.setOpen(site, subject, e, bad);
      }
    } else {
      e.runSince = undefined;
    }
  }

  private setOpen(site: string, subject: string, e: Entry<D>, open: boolean): void {
    e.open = open;
    let bySite = this.opened.get(site);
    if (open) {
      if (bySite === undefined) {
        bySite = new Map();
        this.opened.set(site, bySite);
      }
      bySite.set(subject, e);
    } else if (bySite) {
      bySite.delete(subject);
      if (bySite.size === 0) this.opened.delete(site);
    }
  }

  /** Takes back the open subjects of a retained alert of this rule after a restart. */
  restore(alert: Alert): void {
    for (const o of alert.open) {
      const e = this.entry(alert.site, o.subject);
      if (e.open) continue;
      e.since = o.since;
      e.message = o.message;
      e.value = o.value;
      e.runSince = undefined;
      this.setOpen(alert.site, o.subject, e, true);
    }
  }

  open(): Map<string, Map<string, OpenSubject>> {
    const out = new Map<string, Map<string, OpenSubject>>();
    for (const [site, subjects] of this.opened) {
      const m = new Map<string, OpenSubject>();
      for (const [subject, e] of subjects) {
        m.set(subject, { since: e.since, message: e.message, ...(e.value !== undefined && { value: e.value }) });
      }
      out.set(site, m);
    }
    return out;
  }
}
