import type { Static, TSchema } from '@sinclair/typebox';
import { applyDefaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { type Env, interpolateDocument } from './interpolate.js';
import { issuesFromErrors } from './issues.js';
import { getValidator } from './validator.js';
import { parseYaml } from './yaml.js';

export interface ParseConfigOptions {
  /** Names the config in error messages (usually the file path). Default `<config>`. */
  source?: string;
  /** Variables for `${VAR}` interpolation. Default `process.env`. */
  env?: Env;
}

/**
 * Parses YAML config text, interpolates `${VAR}` / `${VAR:-default}` in string values, applies schema
 * defaults and validates against the schema. Throws ConfigError listing every problem found.
 */
export function parseConfig<S extends TSchema>(text: string, schema: S, options: ParseConfigOptions = {}): Static<S> {
  const source = options.source ?? '<config>';
  const validate = getValidator(schema);
  const doc = parseYaml(text, source);

  const interpolationIssues = interpolateDocument(doc, options.env ?? process.env);
  if (interpolationIssues.length > 0) throw new ConfigError(source, interpolationIssues);

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // e.g. excessive alias expansion ("billion laughs")
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(source, [{ path: '', message }], { title: 'Invalid YAML in', cause: error });
  }

  data = applyDefaults(schema, data);
  if (!validate(data)) throw new ConfigError(source, issuesFromErrors(validate.errors ?? [], data));
  return data as Static<S>;
}
