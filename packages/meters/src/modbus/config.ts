import { type Static, Type } from '@sinclair/typebox';
import { MODELS } from './models.js';

const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const oneOf = <T extends string | number>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const common = {
  model: oneOf(MODELS, 'register map of the meter, from packages/meters/src/modbus/maps'),
  timeout_ms: Type.Integer({
    minimum: 10,
    maximum: 60_000,
    default: 1_000,
    description: 'how long to wait for each answer before the read fails',
  }),
  coalesce: Type.Boolean({
    default: true,
    description: 'read neighbouring registers in one request; false asks for every value on its own',
  }),
  channel_names: Type.Optional(
    Type.Record(Type.String(), Type.String({ pattern: ID_PATTERN }), {
      description: "rename the map's channels, e.g. { main: grid } (the agent guesses the role from the name)",
    }),
  ),
};

export const ModbusRtuConfigSchema = Type.Object(
  {
    transport: Type.Literal('rtu', { description: 'Modbus RTU on a serial line (RS-485 adapter)' }),
    port: Type.String({ minLength: 1, description: 'serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…' }),
    baud: Type.Optional(
      Type.Integer({ minimum: 300, maximum: 921_600, description: "baud rate; default: the model's factory setting" }),
    ),
    parity: Type.Optional(oneOf(['none', 'even', 'odd'] as const, "parity; default: the model's factory setting")),
    stop_bits: Type.Optional(oneOf([1, 2] as const, "stop bits; default: the model's factory setting")),
    data_bits: Type.Optional(oneOf([7, 8] as const, "data bits; default: the model's factory setting (8)")),
    inter_frame_ms: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1_000,
        description: 'silence before each request; default 3.5 characters (1.75 ms above 19200 baud)',
      }),
    ),
    unit_id: Type.Integer({
      minimum: 1,
      maximum: 247,
      default: 1,
      description: 'Modbus address of the meter, distinct for every meter on the bus',
    }),
    ...common,
  },
  { additionalProperties: false },
);

export const ModbusTcpConfigSchema = Type.Object(
  {
    transport: Type.Literal('tcp', { description: 'Modbus TCP (a meter on Ethernet, or an RS-485 gateway)' }),
    host: Type.String({ minLength: 1, description: 'host name or IP address' }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 502, description: 'TCP port' }),
    unit_id: Type.Integer({
      minimum: 0,
      maximum: 255,
      default: 1,
      description: 'unit id: the RS-485 address of the meter behind a gateway (a meter on Ethernet often takes any)',
    }),
    ...common,
  },
  { additionalProperties: false },
);

export const ModbusConfigSchema = Type.Union([ModbusRtuConfigSchema, ModbusTcpConfigSchema]);

export type ModbusRtuConfig = Static<typeof ModbusRtuConfigSchema>;
export type ModbusTcpConfig = Static<typeof ModbusTcpConfigSchema>;
export type ModbusConfig = Static<typeof ModbusConfigSchema>;
