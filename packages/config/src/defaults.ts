import type { TSchema } from '@sinclair/typebox';
import { branchesOf, findDiscriminator, isPlainObject, isSchemaObject, type SchemaObject } from './schema.js';
import { getValidator } from './validator.js';

/**
 * Fills in schema defaults for missing properties, in place where possible; returns the new value.
 *
 * Ajv's `useDefaults` does this too, except inside anyOf/oneOf (e.g. a union of meter drivers), where it
 * cannot know which alternative applies. Here the alternative is picked by its discriminator property
 * when there is one, otherwise it is the first alternative that validates once its defaults are in.
 */
export function applyDefaults(schema: unknown, value: unknown): unknown {
  if (!isSchemaObject(schema) || value === undefined) return value;

  const branches = branchesOf(schema);
  if (branches) return applyUnionDefaults(branches, value);

  if (Array.isArray(schema.allOf)) {
    let result: unknown = value;
    for (const part of schema.allOf) result = applyDefaults(part, result);
    return result;
  }

  if (isPlainObject(value)) {
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (!isSchemaObject(propertySchema)) continue;
      if (value[key] === undefined && propertySchema.default !== undefined) {
        value[key] = structuredClone(propertySchema.default);
      }
      if (value[key] !== undefined) value[key] = applyDefaults(propertySchema, value[key]);
    }
    const patterns = isSchemaObject(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
    for (const key of Object.keys(value)) {
      if (key in properties) continue;
      const matching = patterns.filter(([pattern]) => new RegExp(pattern, 'u').test(key));
      for (const [, patternSchema] of matching) value[key] = applyDefaults(patternSchema, value[key]);
      if (matching.length === 0 && isSchemaObject(schema.additionalProperties)) {
        value[key] = applyDefaults(schema.additionalProperties, value[key]);
      }
    }
  }

  if (Array.isArray(value) && isSchemaObject(schema.items)) {
    for (let i = 0; i < value.length; i++) value[i] = applyDefaults(schema.items, value[i]);
  }
  return value;
}

function applyUnionDefaults(branches: SchemaObject[], value: unknown): unknown {
  const discriminator = findDiscriminator(branches);
  if (discriminator && isPlainObject(value)) {
    const tag = discriminator.tags.find((candidate) => candidate.value === value[discriminator.key]);
    const branch = tag && branches[tag.branch];
    return branch ? applyDefaults(branch, value) : value;
  }
  for (const branch of branches) {
    const candidate = applyDefaults(branch, structuredClone(value));
    if (matches(branch, candidate)) return candidate;
  }
  return value;
}

function matches(branch: SchemaObject, value: unknown): boolean {
  try {
    return getValidator(branch as TSchema)(value) === true;
  } catch {
    // A branch that cannot be compiled alone (e.g. it uses a $ref into its parent) never matches here;
    // the value is still validated as a whole afterwards.
    return false;
  }
}
