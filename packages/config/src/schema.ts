/** Loose view of a JSON schema (TypeBox schemas are plain JSON schema objects plus symbol keys). */
export type SchemaObject = Record<string, unknown>;

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function propertiesOf(schema: SchemaObject): Record<string, SchemaObject> {
  const properties = schema.properties;
  return isSchemaObject(properties) ? (properties as Record<string, SchemaObject>) : {};
}

/** The alternatives of an anyOf/oneOf schema, or undefined. */
export function branchesOf(schema: SchemaObject): SchemaObject[] | undefined {
  const branches = schema.anyOf ?? schema.oneOf;
  return Array.isArray(branches) ? branches.filter(isSchemaObject) : undefined;
}

/** The single value a schema allows (`const`, or a one-element `enum`), if it allows just one. */
export function literalOf(schema: SchemaObject): { value: unknown } | undefined {
  if ('const' in schema) return { value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return { value: schema.enum[0] };
  return undefined;
}

/** The JSON types of a value, as schema `type` names (an integral number is both integer and number). */
export function jsonTypesOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

/** Whether the schema's `type` (if any) admits the value's JSON type. */
export function typeAdmits(schema: SchemaObject, value: unknown): boolean {
  const declared = schema.type;
  if (declared === undefined) return true;
  const allowed = Array.isArray(declared) ? declared : [declared];
  return jsonTypesOf(value).some((type) => allowed.includes(type));
}

export interface Discriminator {
  key: string;
  /** Allowed tag values, in branch order; `branch` is the index into the union's alternatives. */
  tags: { value: unknown; branch: number }[];
}

/**
 * A property that tells a union's object alternatives apart: present in every alternative with a
 * distinct literal value (`driver: 'modbus'` | `driver: 'sml'`). Undefined if there is none.
 */
export function findDiscriminator(branches: readonly SchemaObject[]): Discriminator | undefined {
  const [first] = branches;
  if (!first || branches.length < 2) return undefined;
  for (const key of Object.keys(propertiesOf(first))) {
    const tags: Discriminator['tags'] = [];
    for (const [branch, schema] of branches.entries()) {
      const property = propertiesOf(schema)[key];
      const literal = property ? literalOf(property) : undefined;
      if (!literal || tags.some((tag) => tag.value === literal.value)) break;
      tags.push({ value: literal.value, branch });
    }
    if (tags.length === branches.length) return { key, tags };
  }
  return undefined;
}
