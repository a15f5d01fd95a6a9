import { type TPartial, Type } from '@sinclair/typebox';
import type { RuleDefinition } from './definition.js';

/** A copy of a schema without any `default`: in an override an absent key means "as in rules". */
export function withoutDefaults<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutDefaults) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<PropertyKey, unknown> = {};
  for (const k of Reflect.ownKeys(schema)) {
    if (k !== 'default') copy[k] = withoutDefaults((schema as Record<PropertyKey, unknown>)[k]);
  }
  return copy as T;
}

/** What an entry of `overrides:` may set for a rule: its `overrideSchema`, or else any of its settings. */
export type OverrideSchemaOf<R> =
  R extends RuleDefinition<infer S, string, infer O> ? ([O] extends [never] ? TPartial<S> : O) : never;

/** The override schema of each rule of a registry, by name. */
export function overrideSchemas<R extends Readonly<Record<string, RuleDefinition>>>(
  registry: R,
): { [K in keyof R]: OverrideSchemaOf<R[K]> } {
  return Object.fromEntries(
    Object.entries(registry).map(([name, rule]) => [
      name,
      rule.overrideSchema ?? withoutDefaults(Type.Partial(rule.configSchema)),
    ]),
  ) as { [K in keyof R]: OverrideSchemaOf<R[K]> };
}
