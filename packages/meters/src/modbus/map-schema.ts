import { type Static, Type } from '@sinclair/typebox';
import { DATA_TYPES } from '@wattbus/meter-wire/modbus';

/**
 * The register-map data format (one JSON file per meter model in ./maps). Addresses are protocol (PDU)
 * addresses, 0-based: "30001" in a maker's table is 0x0000 with function 4, "40001" is 0x0000 with function 3.
 */

export type FunctionCode = 3 | 4;

const Literals = <T extends string | number>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const FunctionCodeSchema = Literals(
  [3, 4] as const,
  'Modbus function: 3 = read holding registers, 4 = read input registers',
);
const DataTypeSchema = Literals(DATA_TYPES, 'how the register(s) encode the number (32-bit types span two registers)');
const WordOrderSchema = Literals(
  ['big', 'little'] as const,
  'order of the two registers of a 32-bit value: big = high word first (Modbus convention)',
);

export const AddressSchema = Type.Union(
  [Type.Integer({ minimum: 0, maximum: 0xffff }), Type.String({ pattern: '^0[xX][0-9a-fA-F]{1,4}$' })],
  { description: 'register address as in the manual: an integer or a "0x…" hex string' },
);

/** How registers are decoded when a register entry does not say. */
const EncodingSchema = Type.Object(
  {
    function: Type.Optional(FunctionCodeSchema),
    type: Type.Optional(DataTypeSchema),
    word_order: Type.Optional(WordOrderSchema),
    scale: Type.Optional(
      Type.Number({ description: 'factor from the raw number to the contract unit, e.g. 1000 for kWh → Wh' }),
    ),
  },
  { additionalProperties: false },
);

export const RegisterSchema = Type.Object(
  {
    value: Type.String({ description: 'contract value name, e.g. power_w, voltage_v_l1, energy_import_wh' }),
    address: AddressSchema,
    channel: Type.Optional(Type.String({ description: 'one of the map channels; default: the first' })),
    sign: Type.Optional(
      Literals([1, -1] as const, '-1 when the meter counts the direction opposite to the contract (rare)'),
    ),
    note: Type.Optional(Type.String()),
    ...EncodingSchema.properties,
  },
  { additionalProperties: false },
);

export const SerialDefaultsSchema = Type.Object(
  {
    baud: Type.Integer({ minimum: 300, maximum: 921_600 }),
    parity: Literals(['none', 'even', 'odd'] as const, 'parity bit'),
    stop_bits: Literals([1, 2] as const, 'stop bits'),
    data_bits: Literals([7, 8] as const, 'data bits'),
  },
  { additionalProperties: false, description: 'factory serial settings, used when the meter config does not set them' },
);

export const RegisterMapSchema = Type.Object(
  {
    model: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'the name used in `model:`' }),
    manufacturer: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    source: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'where the register table comes from: manuals, public projects it was checked against',
    }),
    notes: Type.Optional(Type.Array(Type.String())),
    serial_defaults: Type.Optional(SerialDefaultsSchema),
    max_registers_per_read: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 125, description: "the device's limit per request (protocol max 125)" }),
    ),
    max_gap_registers: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 124,
        description: 'unused registers the planner may read to join two requests (0: never)',
      }),
    ),
    defaults: Type.Optional(EncodingSchema),
    channels: Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }), { minItems: 1, uniqueItems: true }),
    registers: Type.Array(RegisterSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type RegisterMapData = Static<typeof RegisterMapSchema>;
export type RegisterData = Static<typeof RegisterSchema>;
export type SerialDefaults = Static<typeof SerialDefaultsSchema>;
