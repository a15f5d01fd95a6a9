import { ALERT_MAX_OPEN_SUBJECTS, type Alert } from '@wattbus/contract';
import type { AlertRule, OpenSubject } from './rules/rule.js';

const key = (site: string, rule: string) => `${site}\u0000${rule}`;

/** Subjects named in an alert's message at most; the rest are counted. */
const MESSAGE_MAX_NAMES = 10;
const named = (subjects: string[]) =>
  subjects.length <= MESSAGE_MAX_NAMES
    ? subjects.join(', ')
    : `${subjects.slice(0, MESSAGE_MAX_NAMES).join(', ')} and ${subjects.length - MESSAGE_MAX_NAMES} more`;

/**
 * The alerts as published: per (site, rule) the open subjects. `update` compares a rule's evaluation with
 * it and returns the Alert messages to publish (retained) for what changed: a subject opened or cleared.
 * `restore` takes the retained messages back after a restart, so nothing is raised twice.
 *
 * The book keeps every open subject; a message lists the first `ALERT_MAX_OPEN_SUBJECTS` and says how many are open
 * in `open_total`, so no site can make the alerter publish more than the broker takes. (After a restart, subjects
 * beyond those listed are published as raised again.)
 */
export class AlertBook {
  private readonly published = new Map<string, Map<string, OpenSubject>>();

  restore(alert: Alert): void {
    const subjects = new Map<string, OpenSubject>();
    for (const s of alert.open) {
      subjects.set(s.subject, {
        since: s.since,
        message: s.message,
        ...(s.value !== undefined && { value: s.value }),
      });
    }
    this.published.set(key(alert.site, alert.rule), subjects);
  }

  openCount(site?: string): number {
    let n = 0;
    for (const [k, subjects] of this.published) if (!site || k.startsWith(`${site}\u0000`)) n += subjects.size;
    return n;
  }

  update(rule: AlertRule, open: Map<string, Map<string, OpenSubject>>, now: number): Alert[] {
    const changes: Alert[] = [];
    const sites = new Set(open.keys());
    for (const k of this.published.keys()) {
      const [site, ruleId] = k.split('\u0000') as [string, string];
      if (ruleId === rule.id) sites.add(site);
    }
    for (const site of sites) {
      const before = this.published.get(key(site, rule.id)) ?? new Map<string, OpenSubject>();
      const after = open.get(site) ?? new Map<string, OpenSubject>();
      const same = before.size === after.size && [...after.keys()].every((s) => before.has(s));
      if (same) continue;
      // Keep the original `since` of subjects that stay open.
      const merged = new Map([...after].map(([s, o]) => [s, before.get(s) ?? o]));
      this.published.set(key(site, rule.id), merged);
      changes.push(toAlert(site, rule, merged, before, now));
    }
    return changes;
  }
}

function toAlert(
  site: string,
  rule: AlertRule,
  open: Map<string, OpenSubject>,
  before: Map<string, OpenSubject>,
  now: number,
): Alert {
  const raised = [...open.keys()].filter((s) => !before.has(s));
  const cleared = [...before.keys()].filter((s) => !open.has(s));
  const parts = [
    raised.length > 0 && `raised: ${named(raised)}`,
    cleared.length > 0 && `resolved: ${named(cleared)}`,
  ].filter(Boolean);
  return {
    v: 1,
    site,
    rule: rule.id,
    ts: now,
    state: open.size > 0 ? 'raised' : 'resolved',
    severity: rule.severity,
    message: `${rule.id} at ${site}: ${open.size} open (${parts.join('; ')})`.slice(0, 1024),
    open: [...open].slice(0, ALERT_MAX_OPEN_SUBJECTS).map(([subject, o]) => ({ subject, ...o })),
    ...(open.size > ALERT_MAX_OPEN_SUBJECTS && { open_total: open.size }),
  };
}
