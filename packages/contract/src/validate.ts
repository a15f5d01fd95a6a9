import type { ErrorObject } from 'ajv';
import * as compiled from './generated/validators.generated.js';
import type { Alert, DeadLetter, Health, Info, Reading, SchemaName, Status } from './schemas/index.js';

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const VALUE_NAME_HINT =
  'not a value name from the quantity registry (<quantity>_<unit>[_<phase>], e.g. power_w, voltage_v_l1)';

/** `values.power_w`, `meters[0].channels[1].role`, or `(root)`. */
function pathOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  const path = parts
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
  return path || '(root)';
}

function show(value: unknown): string {
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would print as null
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const key of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

/** One line per problem, naming the path and what was expected. */
export function describeErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    const got = valueAt(data, e.instancePath);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        lines.push(`${pathOf(e.instancePath, String(p.missingProperty))}: missing`);
        break;
      case 'additionalProperties':
        lines.push(
          `${pathOf(e.instancePath, String(p.additionalProperty))}: ${
            e.schemaPath === '#/properties/values/additionalProperties' ? VALUE_NAME_HINT : 'unknown key'
          }`,
        );
        break;
      case 'pattern':
        lines.push(`${pathOf(e.instancePath)}: ${show(got)} does not match ${p.pattern}`);
        break;
      case 'type':
        lines.push(`${pathOf(e.instancePath)}: expected ${p.type}, got ${show(got)}`);
        break;
      case 'const':
        lines.push(`${pathOf(e.instancePath)}: expected ${show(p.allowedValue)}, got ${show(got)}`);
        break;
      case 'anyOf':
        break; // the branch errors before it already say what each alternative expected
      default:
        lines.push(
          `${pathOf(e.instancePath)}: ${e.message ?? e.keyword}${got === undefined ? '' : ` (got ${show(got)})`}`,
        );
    }
  }
  return collapseUnionBranches(lines);
}

/** A union of literals yields one `const` error per branch; fold them into one line. */
function collapseUnionBranches(lines: string[]): string[] {
  const byPath = new Map<string, string[]>();
  const out: string[] = [];
  for (const line of lines) {
    const m = /^(.*): expected (".*"|\d+), got (.*)$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const key = `${m[1]}\u0000${m[3]}`;
    const list = byPath.get(key);
    if (list) list.push(m[2] as string);
    else {
      byPath.set(key, [m[2] as string]);
      out.push(key);
    }
  }
  return out.map((line) => {
    const alternatives = byPath.get(line);
    if (!alternatives) return line;
    const [path, got] = line.split('\u0000');
    const expected = alternatives.length > 1 ? `one of ${alternatives.join(', ')}` : alternatives[0];
    return `${path}: expected ${expected}, got ${got}`;
  });
}

function wrap<T>(fn: CompiledValidator): (data: unknown) => Validation<T> {
  return (data) => {
    if (fn(data)) return { ok: true, value: data as T };
    return { ok: false, errors: describeErrors(fn.errors ?? [], data) };
  };
}

const validators = compiled as unknown as Record<SchemaName, CompiledValidator>;

export const validateReading = wrap<Reading>(validators.reading);
export const validateStatus = wrap<Status>(validators.status);
export const validateInfo = wrap<Info>(validators.info);
export const validateHealth = wrap<Health>(validators.health);
export const validateAlert = wrap<Alert>(validators.alert);
export const validateDeadLetter = wrap<DeadLetter>(validators.deadLetter);

/** The raw boolean check, for hot paths that only need yes/no. */
export const isReading = validators.reading as (data: unknown) => data is Reading;
