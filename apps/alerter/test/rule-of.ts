import { createRules } from '../src/rules/index.js';
import type { AlertRule } from '../src/rules/rule.js';
import { config } from './fixtures.js';

/** The configured rule `id`, as the alerter builds it from this config. */
export function ruleOf(id: string, over: Parameters<typeof config>[0] = {}): AlertRule {
  const c = config(over);
  const r = createRules(c.rules, c.overrides).find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}
