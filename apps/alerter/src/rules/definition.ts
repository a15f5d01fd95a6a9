import type { TSchema } from '@sinclair/typebox';
import type { Plugin } from '@wattbus/config/plugin';
import type { AlertRule } from './rule.js';
import type { SettingsResolver } from './settings.js';

/** What the alerter gives a rule when it creates it. */
export interface RuleContext {
  /** The rule's settings for each channel: `settings` (its `rules:` section) with its matching `overrides:` applied. */
  perChannel<V extends object>(settings: V): SettingsResolver<V>;
}

/**
 * An alert rule: `name` is its key under `rules:` and in each entry of `overrides:`; `configSchema` its settings,
 * with defaults. An entry of `overrides:` may set any of those settings (without defaults: an absent key keeps the
 * value of `rules:`), unless `overrideSchema` says what it may set instead.
 */
export interface RuleDefinition<S extends TSchema = TSchema, Name extends string = string, O extends TSchema = TSchema>
  extends Plugin<S, RuleContext, AlertRule, Name> {
  readonly overrideSchema?: O;
}

/** Declares a rule with its settings type inferred from its schema. */
export function defineRule<const Name extends string, S extends TSchema, O extends TSchema = never>(
  definition: RuleDefinition<S, Name, O>,
): RuleDefinition<S, Name, O> {
  return definition;
}
