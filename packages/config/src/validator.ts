import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import { formats } from './formats.js';

// Ajv reports strict-mode findings through this logger while compiling; see compile() below.
let compileWarnings: string[] = [];

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  coerceTypes: false,
  // Errors carry the failing value and schema (`data`, `parentSchema`), which the messages use.
  verbose: true,
  formats,
  // Unknown keywords (schema typos) fail compilation — via the logger, because the one strict finding
  // we expect is "default is ignored" inside anyOf, and applyDefaults() handles those defaults itself.
  strictSchema: 'log',
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  logger: {
    log: () => {},
    warn: (...args: unknown[]) => {
      compileWarnings.push(args.map(String).join(' '));
    },
    error: (...args: unknown[]) => {
      compileWarnings.push(args.map(String).join(' '));
    },
  },
});

// Failures are cached too: Ajv keeps its own cache, so a second compile would wrongly succeed.
const cache = new WeakMap<object, ValidateFunction | Error>();

/**
 * The Ajv validator for a schema, compiled on first use and cached per schema object.
 * Throws a plain Error (a programming error, not a config error) if the schema itself is invalid.
 */
export function getValidator(schema: TSchema): ValidateFunction {
  let entry = cache.get(schema);
  if (!entry) {
    try {
      entry = compile(schema);
    } catch (error) {
      entry = error instanceof Error ? error : new Error(String(error));
    }
    cache.set(schema, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

function compile(schema: TSchema): ValidateFunction {
  compileWarnings = [];
  // A sub-schema with an $id is registered when its parent compiles; compiling it again would clash.
  const existing = typeof schema.$id === 'string' ? ajv.getSchema(schema.$id) : undefined;
  const validate = existing ?? ajv.compile(schema);
  const problems = compileWarnings.filter((warning) => !warning.includes('default is ignored'));
  compileWarnings = [];
  if (problems.length > 0) throw new Error(`Invalid config schema: ${problems.join('; ')}`);
  return validate;
}
