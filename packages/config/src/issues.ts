import type { ErrorObject } from 'ajv';
import { describeSchema, showValue } from './describe.js';
import type { ConfigIssue } from './errors.js';
import { expectedOneOf, issueFromError } from './messages.js';
import { formatPath, pointerToSegments } from './path.js';
import {
  branchesOf,
  findDiscriminator,
  isPlainObject,
  isSchemaObject,
  literalOf,
  propertiesOf,
  type SchemaObject,
  typeAdmits,
} from './schema.js';

/**
 * Turns Ajv's error list into issues. Errors under an anyOf/oneOf are collapsed: Ajv reports every
 * alternative's failures, but only the alternative the user evidently meant is worth reading.
 */
export function issuesFromErrors(errors: readonly ErrorObject[], root: unknown): ConfigIssue[] {
  const seen = new Set<string>();
  return collect(errors, root).filter((issue) => {
    const key = `${issue.path}\0${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function collect(errors: readonly ErrorObject[], root: unknown): ConfigIssue[] {
  const composites = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  const outer = composites.filter((error) => !composites.some((other) => isInside(error, other)));
  const issues: ConfigIssue[] = [];
  for (const error of errors) {
    if (outer.includes(error)) {
      issues.push(
        ...collapse(
          error,
          errors.filter((inner) => isInside(inner, error)),
          root,
        ),
      );
    } else if (outer.some((composite) => isInside(error, composite))) {
      // reported (or deliberately not) by collapse()
    } else if (error.keyword !== 'if') {
      // "if" only says "must match then/else"; the then/else errors themselves follow.
      issues.push(issueFromError(error, root));
    }
  }
  return issues;
}

/** Whether `error` comes from one of the alternatives of the anyOf/oneOf that failed as `composite`. */
function isInside(error: ErrorObject, composite: ErrorObject): boolean {
  if (error === composite || !error.schemaPath.startsWith(`${composite.schemaPath}/`)) return false;
  const at = composite.instancePath;
  return error.instancePath === at || error.instancePath.startsWith(`${at}/`);
}

function collapse(composite: ErrorObject, inner: readonly ErrorObject[], root: unknown): ConfigIssue[] {
  const parent: SchemaObject = isSchemaObject(composite.parentSchema) ? composite.parentSchema : {};
  const branches = branchesOf(parent) ?? [];
  const value: unknown = composite.data;
  const segments = pointerToSegments(composite.instancePath, root);
  const here = (message: string): ConfigIssue[] => [{ path: formatPath(segments), message }];

  const passing = (composite.params as { passingSchemas?: unknown }).passingSchemas;
  if (Array.isArray(passing)) {
    return here(`ambiguous: matches more than one of the alternatives (${describeSchema(parent)})`);
  }

  const errorsOf = (branch: number): ErrorObject[] =>
    inner.filter((error) => error.schemaPath.startsWith(`${composite.schemaPath}/${branch}/`) && !isDefaulted(error));

  // A union of literals is an enum in disguise (TypeBox writes enums this way).
  const literals = branches.map(literalOf);
  if (literals.length > 0 && literals.every((literal) => literal !== undefined)) {
    return here(
      expectedOneOf(
        literals.map((literal) => literal?.value),
        value,
      ),
    );
  }

  // A tagged union: judge the value against the alternative its tag selects.
  const discriminator = findDiscriminator(branches);
  if (discriminator && isPlainObject(value)) {
    const tagValues = discriminator.tags.map((tag) => tag.value);
    const tag = value[discriminator.key];
    if (tag === undefined) {
      return here(`missing required key ${JSON.stringify(discriminator.key)} (one of: ${tagValues.join(', ')})`);
    }
    const selected = discriminator.tags.find((candidate) => candidate.value === tag);
    if (!selected) {
      return [{ path: formatPath([...segments, discriminator.key]), message: expectedOneOf(tagValues, tag) }];
    }
    return collect(errorsOf(selected.branch), root);
  }

  // Otherwise: among the alternatives of the right JSON type, the one with the fewest complaints.
  let best: ErrorObject[] | undefined;
  for (const [index, branch] of branches.entries()) {
    if (!typeAdmits(branch, value)) continue;
    const errors = errorsOf(index);
    if (errors.length > 0 && (best === undefined || errors.length < best.length)) best = errors;
  }
  const issues = best ? collect(best, root) : [];
  if (issues.length > 0) return issues;
  // The union's own description says what the alternatives mean ("string or array" alone does not).
  const description = typeof parent.description === 'string' ? ` (${parent.description})` : '';
  return here(`expected ${describeSchema(parent)}${description}, got ${showValue(value)}`);
}

/**
 * A "missing required key" for a key with a default. Inside a union no default was applied because no
 * alternative matched (see applyDefaults), so the complaint is noise next to the real problem.
 */
function isDefaulted(error: ErrorObject): boolean {
  if (error.keyword !== 'required' || !isSchemaObject(error.parentSchema)) return false;
  const missing = (error.params as { missingProperty?: unknown }).missingProperty;
  const property = typeof missing === 'string' ? propertiesOf(error.parentSchema)[missing] : undefined;
  return property?.default !== undefined;
}
