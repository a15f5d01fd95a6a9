import type { Static, TSchema } from '@sinclair/typebox';

/**
 * One extension of an app (a meter driver, a sink, an alert rule, a notifier): its name (the key or value that
 * selects it in a config), the schema of its own config section, and a factory.
 */
export interface Plugin<
  S extends TSchema = TSchema,
  Context = unknown,
  Instance = unknown,
  Name extends string = string,
> {
  readonly name: Name;
  readonly description: string;
  readonly configSchema: S;
  /**
   * `config` has been validated against `configSchema`, defaults applied. No I/O here (no socket, file, timer):
   * connecting and listening belong to the instance's own start, so building every plugin of a config is safe.
   */
  create(config: Static<S>, context: Context): Instance;
}

/**
 * The define function of one kind of plugin: `export const defineSink: DefinePlugin<SinkContext, Sink> = definePlugin`.
 * A definition passed to it has its config type inferred from its schema and keeps its literal name.
 */
export type DefinePlugin<Context, Instance> = <const Name extends string, S extends TSchema>(
  definition: Plugin<S, Context, Instance, Name>,
) => Plugin<S, Context, Instance, Name>;

export function definePlugin<const Name extends string, S extends TSchema, Context, Instance>(
  definition: Plugin<S, Context, Instance, Name>,
): Plugin<S, Context, Instance, Name> {
  return definition;
}

type AnyPlugin = { readonly name: string };

/** The config schemas of a registry's plugins, by name: the properties of the section that configures them. */
export function configSchemas<R extends Readonly<Record<string, { readonly configSchema: TSchema }>>>(
  registry: R,
): { [K in keyof R]: R[K]['configSchema'] } {
  return Object.fromEntries(Object.entries(registry).map(([name, p]) => [name, p.configSchema])) as {
    [K in keyof R]: R[K]['configSchema'];
  };
}

/** The first literal name used twice in a list of plugins, or never (names typed `string` are checked at run time). */
type DuplicateName<L extends readonly AnyPlugin[]> = L extends readonly [
  infer Head extends AnyPlugin,
  ...infer Rest extends readonly AnyPlugin[],
]
  ? Head['name'] extends Rest[number]['name']
    ? string extends Head['name'] | Rest[number]['name']
      ? DuplicateName<Rest>
      : Head['name']
    : DuplicateName<Rest>
  : never;

/** The plugins of a list by name, in list order. */
export type Registry<L extends readonly AnyPlugin[]> = { readonly [P in L[number] as P['name']]: P };

/**
 * The registry of one kind of plugin: one line per plugin in `plugins`. A name used twice is refused by the
 * type checker when the names are literals, and always when the registry is built (at import, so by any test).
 */
export function buildRegistry<const L extends readonly AnyPlugin[]>(
  kind: string,
  plugins: L & ([DuplicateName<L>] extends [never] ? unknown : { duplicate: DuplicateName<L> }),
): Registry<L> {
  const byName: Record<string, AnyPlugin> = {};
  for (const plugin of plugins) {
    if (Object.hasOwn(byName, plugin.name)) throw new Error(`two ${kind} plugins are named "${plugin.name}"`);
    byName[plugin.name] = plugin;
  }
  return Object.freeze(byName) as Registry<L>;
}
