import { Ajv } from 'ajv';
import { Type } from '@sinclair/typebox';
const Role = Type.Union([Type.Literal('grid'), Type.Literal('consumption')]);
const S = Type.Object({
  site: Type.String({ pattern: '^[a-z]+$', description: 'site id' }),
  mqtt: Type.Object({ url: Type.String(), qos: Type.Integer({ default: 1 }) }, { additionalProperties: false, default: {} }),
  role: Role,
  opt: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  d: Type.Union([Type.Object({ kind: Type.Literal('a'), x: Type.Integer({default: 3}) }), Type.Object({ kind: Type.Literal('b') })]),
  e: Type.Enum({ A: 'a', B: 'b' }),
  r: Type.Record(Type.String(), Type.Integer()),
}, { additionalProperties: false });
console.log(JSON.stringify(S, null, 0));
for (const strict of [true]) {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, strict, verbose: true });
  const v = ajv.compile(S);
  const data = { site: 'X', role: 'solar', d: { kind: 'a', x: 's' }, e: 'c', r: { a: 'x' }, extra: 1 };
  console.log(v(data), JSON.stringify(data));
  for (const e of v.errors) console.log(e.instancePath, e.schemaPath, e.keyword, JSON.stringify(e.params), e.message);
}
