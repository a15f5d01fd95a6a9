import type { Static, TSchema } from '@sinclair/typebox';
import { applyDefaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { issuesFromErrors } from './issues.js';
import { getValidator } from './validator.js';

/**
 * Validates one part of an already loaded config against a schema known only at run time (a driver's or a
 * sink's own settings), applying its defaults. Errors name the full key path, e.g. `meters[0].config.seed`.
 */
export function validateSection<S extends TSchema>(
  value: unknown,
  schema: S,
  at: { file: string; path: string },
): Static<S> {
  const validate = getValidator(schema);
  const data = applyDefaults(schema, value);
  if (validate(data)) return data as Static<S>;
  const issues = issuesFromErrors(validate.errors ?? [], data).map((issue) => ({
    ...issue,
    path:
      issue.path === '(root)' || issue.path === ''
        ? at.path
        : `${at.path}${issue.path.startsWith('[') ? '' : '.'}${issue.path}`,
  }));
  throw new ConfigError(at.file, issues);
}
