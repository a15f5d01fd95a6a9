import { type TProperties, Type } from '@sinclair/typebox';

const ROLES = ['grid', 'consumption', 'production', 'other'] as const;

/** The channel roles a rule applies to, `def` by default. */
export const rolesSetting = (def: ReadonlyArray<(typeof ROLES)[number]>) =>
  Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), {
    uniqueItems: true,
    default: [...def],
    description: 'channel roles the rule applies to',
  });

/** A number setting with its default. */
export const numberSetting = (def: number, description: string, extra: object = {}) =>
  Type.Number({ description, ...extra, default: def });

/**
 * The settings of a channel rule: `enabled`, how long a condition must hold before it is raised (`raise_after_s`) and
 * be gone before it is resolved (`clear_after_s`), with these defaults, and the rule's own `props`.
 */
export const channelRuleSettings = <P extends TProperties>(raise: number, clear: number, props: P) =>
  Type.Object(
    {
      enabled: Type.Boolean({ default: true }),
      raise_after_s: numberSetting(raise, 'the condition must hold this long (measurement time) before it is raised', {
        minimum: 0,
      }),
      clear_after_s: numberSetting(clear, 'and must be cleared this long before it is resolved (no flapping)', {
        minimum: 0,
      }),
      ...props,
    },
    { additionalProperties: false, default: {} },
  );
