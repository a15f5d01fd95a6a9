import type { ErrorObject } from 'ajv';
import * as compiled from './generated/validators.generated.js';
import type {
  Alert,
  DeadLetter,
  Health,
  Info,
  Reading,
  Receipt,
  Rollup,
  RollupReceipt,
  SchemaName,
  Status,
} from './schemas/index.js';

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
  // a key can be as long as the payload
  return path.length > 200 ? `${path.slice(0, 197)}...` : path || '(root)';
}

const SHOWN_CHARS = 60;

/**
 * A short preview of a received value for an error message. It never serialises the whole value: a hostile payload
 * may nest thousands of levels deep (JSON.stringify would overflow the stack) or be wide enough to make every error
 * line megabytes long.
 */
export function preview(value: unknown, budget = SHOWN_CHARS): string {
  const out: string[] = [];
  let left = budget + 1; // one more than shown tells that there was more
  const emit = (text: string) => {
    out.push(text.slice(0, Math.max(left, 0)));
    left -= text.length;
  };
  const walk = (node: unknown, depth: number): void => {
    if (left <= 0) return;
    if (node === null || typeof node !== 'object') {
      emit(scalar(node, left));
      return;
    }
    const isArray = Array.isArray(node);
    if (depth >= 4) {
      emit(isArray ? '[...]' : '{...}');
      return;
    }
    emit(isArray ? '[' : '{');
    let first = true;
    for (const key in node) {
      if (left <= 0) return;
      if (!first) emit(',');
      first = false;
      if (!isArray) emit(`${JSON.stringify(key.slice(0, left + 1))}:`);
      walk((node as Record<string, unknown>)[key], depth + 1);
    }
    emit(isArray ? ']' : '}');
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > budget ? `${text.slice(0, budget - 3)}...` : text;
}

function scalar(value: unknown, budget: number): string {
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would print as null
  if (typeof value === 'string') return JSON.stringify(value.slice(0, budget + 1));
  return String(value);
}

const show = (value: unknown) => preview(value);

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const key of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

/** A payload can break every rule at once; the first few problems say enough. */
const MAX_ERROR_LINES = 10;

/** One line per problem (at most MAX_ERROR_LINES, then a count), naming the path and what was expected. */
export function describeErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  const lines = collapseUnionBranches(describeEach(errors.slice(0, MAX_ERROR_LINES * 4), data));
  if (lines.length <= MAX_ERROR_LINES && errors.length <= MAX_ERROR_LINES * 4) return lines;
  return [...lines.slice(0, MAX_ERROR_LINES), `... ${errors.length} problems in all`];
}

function describeEach(errors: readonly ErrorObject[], data: unknown): string[] {
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
  return lines;
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
export const validateReceipt = wrap<Receipt>(validators.receipt);
export const validateRollup = wrap<Rollup>(validators.rollup);
export const validateRollupReceipt = wrap<RollupReceipt>(validators.rollupReceipt);

/** The raw boolean check, for hot paths that only need yes/no. */
export const isReading = validators.reading as (data: unknown) => data is Reading;
