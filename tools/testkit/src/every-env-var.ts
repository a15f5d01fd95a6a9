/**
 * An environment in which every variable is set (`FOO` to `value-of-FOO`): for validating sample and example configs
 * whose `${VAR}`s an operator's environment would set.
 */
export const everyEnvVar: Readonly<Record<string, string>> = new Proxy(
  {},
  { get: (_, name) => `value-of-${String(name)}` },
);
