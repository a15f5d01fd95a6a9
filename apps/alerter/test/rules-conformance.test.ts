import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { RuleDefinition } from '../src/rules/definition.js';
import { ruleContext } from '../src/rules/index.js';
import { rules } from '../src/rules/registry.js';
import type { AlertRule } from '../src/rules/rule.js';
import { pluginConformance, sampleConfig } from './plugin-conformance.js';

const DIR = fileURLToPath(new URL('../src/rules/', import.meta.url));

pluginConformance('rule', DIR, rules, (rule) => ruleContext(rule.name, []));

it("each rule's alerts are named like its key, with - for _ (wattbus/v1/alerts/<site>/pv-night for pv_night)", () => {
  for (const rule of Object.values<RuleDefinition>(rules)) {
    const created: AlertRule = rule.create(sampleConfig(DIR, rule), ruleContext(rule.name, []));
    expect(created.id).toBe(rule.name.replaceAll('_', '-'));
  }
});
