import type { AlerterConfig } from '../config.js';
import type { RuleContext, RuleDefinition } from './definition.js';
import { rules as registry } from './registry.js';
import type { AlertRule } from './rule.js';
import { type ScopedPatch, SettingsResolver } from './settings.js';

/** The context of the rule `name`: its entries of `overrides:`, in order. */
export function ruleContext(name: string, overrides: AlerterConfig['overrides']): RuleContext {
  const patches = overrides.flatMap(({ site, meter, channel, ...perRule }) => {
    const patch = (perRule as Record<string, unknown>)[name];
    return patch === undefined ? [] : [{ site, meter, channel, patch }];
  });
  return {
    // The config schema validated each patch against this rule's override schema, made from its settings schema.
    perChannel: <V extends object>(settings: V) => new SettingsResolver(settings, patches as ScopedPatch<V>[]),
  };
}

/** Every rule of the registry, configured. */
export function createRules(rules: AlerterConfig['rules'], overrides: AlerterConfig['overrides'] = []): AlertRule[] {
  return Object.values<RuleDefinition>(registry).map((rule) =>
    rule.create(rules[rule.name as keyof typeof rules], ruleContext(rule.name, overrides)),
  );
}
