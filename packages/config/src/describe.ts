import { branchesOf, literalOf, type SchemaObject } from './schema.js';

const MAX_SHOWN = 40;

/** A value as it appears in messages: JSON, cut to a readable length. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN - 1)}…` : json;
}

/** A list of allowed literals: strings bare (`grid, consumption`), anything else as JSON. */
export function showChoices(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

/** What a schema accepts, in a few words: `integer ≥ 1000`, `non-empty string`, `"auto" or integer`. */
export function describeSchema(schema: SchemaObject): string {
  const literal = literalOf(schema);
  if (literal) return showValue(literal.value);
  if (Array.isArray(schema.enum)) return `one of: ${showChoices(schema.enum)}`;
  const branches = branchesOf(schema);
  if (branches) return [...new Set(branches.map(describeSchema))].join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return 'a valid value';
  return types.map((type) => describeType(String(type), schema)).join(' or ');
}

function describeType(type: string, schema: SchemaObject): string {
  if (type === 'integer' || type === 'number') {
    const bounds = describeBounds(schema);
    return bounds ? `${type} ${bounds}` : type;
  }
  if (type === 'string') {
    if (typeof schema.format === 'string') return `${schema.format} string`;
    return typeof schema.minLength === 'number' && schema.minLength >= 1 ? 'non-empty string' : 'string';
  }
  return type;
}

function describeBounds(schema: SchemaObject): string {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') return `between ${minimum} and ${maximum}`;
  const parts: string[] = [];
  if (typeof minimum === 'number') parts.push(`≥ ${minimum}`);
  if (typeof exclusiveMinimum === 'number') parts.push(`> ${exclusiveMinimum}`);
  if (typeof maximum === 'number') parts.push(`≤ ${maximum}`);
  if (typeof exclusiveMaximum === 'number') parts.push(`< ${exclusiveMaximum}`);
  return parts.join(' and ');
}
