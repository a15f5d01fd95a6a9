import type { ErrorObject } from 'ajv';
import { describeSchema, showChoices, showValue } from './describe.js';
import type { ConfigIssue } from './errors.js';
import { formatPath, type PathSegment, pointerToSegments } from './path.js';
import { isSchemaObject, propertiesOf, type SchemaObject } from './schema.js';
import { suggest } from './suggest.js';

const MAX_LISTED_KEYS = 12;

/** Turns one Ajv error (from a validator compiled with `verbose: true`) into a readable issue. */
export function issueFromError(error: ErrorObject, root: unknown): ConfigIssue {
  const segments = pointerToSegments(error.instancePath, root);
  const { message, key } = describeError(error);
  const path: PathSegment[] = key === undefined ? segments : [...segments, key];
  return { path: formatPath(path), message };
}

function describeError(error: ErrorObject): { message: string; key?: string } {
  const params = error.params as Record<string, unknown>;
  const parent: SchemaObject = isSchemaObject(error.parentSchema) ? error.parentSchema : {};
  const got = `got ${showValue(error.data)}`;
  switch (error.keyword) {
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `expected ${describeSchema(parent)}, ${got}` };
    case 'required':
      return { message: `missing required key ${JSON.stringify(params.missingProperty)}` };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      return { message: unknownKey(key, Object.keys(propertiesOf(parent))), key };
    }
    case 'enum':
      return { message: expectedOneOf(Array.isArray(error.schema) ? error.schema : [], error.data) };
    case 'const':
      return { message: `expected ${showValue(params.allowedValue)}, ${got}` };
    case 'pattern': {
      const description = typeof parent.description === 'string' ? ` (${parent.description})` : '';
      return { message: `expected a string matching /${String(params.pattern)}/${description}, ${got}` };
    }
    case 'format': {
      const description = typeof parent.description === 'string' ? ` (${parent.description})` : '';
      return { message: `expected a valid ${String(params.format)}${description}, ${got}` };
    }
    case 'minLength':
      return {
        message:
          params.limit === 1 && error.data === ''
            ? 'must not be empty'
            : `expected at least ${plural(params.limit, 'character')}, ${got}`,
      };
    case 'maxLength':
      return { message: `expected at most ${plural(params.limit, 'character')}, ${got}` };
    case 'minItems':
      return { message: `expected at least ${plural(params.limit, 'item')}, got ${count(error.data)}` };
    case 'maxItems':
      return { message: `expected at most ${plural(params.limit, 'item')}, got ${count(error.data)}` };
    case 'minProperties':
      return { message: `expected at least ${plural(params.limit, 'key')}, got ${count(error.data)}` };
    case 'maxProperties':
      return { message: `expected at most ${plural(params.limit, 'key')}, got ${count(error.data)}` };
    case 'uniqueItems': {
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return { message: `expected unique items, but [${first}] and [${second}] are equal` };
    }
    case 'multipleOf':
      return { message: `expected a multiple of ${String(params.multipleOf)}, ${got}` };
    case 'dependentRequired':
    case 'dependencies':
      return {
        message: `key ${JSON.stringify(params.property)} also requires key ${JSON.stringify(params.missingProperty)}`,
      };
    case 'false schema':
      return { message: 'no value is allowed here' };
    default:
      return { message: error.message ?? `fails "${error.keyword}" check` };
  }
}

/** `expected one of: a, b (got "x"; did you mean "a"?)` */
export function expectedOneOf(allowed: readonly unknown[], value: unknown): string {
  const candidates = allowed.filter((item): item is string => typeof item === 'string');
  const hint = typeof value === 'string' ? suggest(value, candidates) : undefined;
  const didYouMean = hint === undefined ? '' : `; did you mean ${JSON.stringify(hint)}?`;
  return `expected one of: ${showChoices(allowed)} (got ${showValue(value)}${didYouMean})`;
}

function unknownKey(key: string, allowed: readonly string[]): string {
  const hint = suggest(key, allowed);
  if (hint !== undefined) return `unknown key (did you mean ${JSON.stringify(hint)}?)`;
  if (allowed.length === 0) return 'unknown key (no keys are allowed here)';
  if (allowed.length <= MAX_LISTED_KEYS) return `unknown key (allowed: ${allowed.join(', ')})`;
  return 'unknown key';
}

function plural(n: unknown, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function count(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  if (typeof value === 'object' && value !== null) return String(Object.keys(value).length);
  return showValue(value);
}
