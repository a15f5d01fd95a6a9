import { type Static, Type } from '@sinclair/typebox';
import { ID_PATTERN, VALUE_NAME_PATTERN } from '@wattbus/contract';
import { httpDeviceProperties } from '../http/index.js';

export const EGAUGE_UNITS = ['P', 'S', 'V', 'I', 'A', 'F'] as const;
export type EgaugeUnit = (typeof EGAUGE_UNITS)[number];

const UNIT_HELP = 'P power (W), S apparent power (VA), V voltage, I or A current, F frequency';

export const RegisterObjectSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      description: 'register name exactly as configured on the eGauge, e.g. "L1 Voltage"',
    }),
    unit: Type.Union(
      EGAUGE_UNITS.map((u) => Type.Literal(u)),
      { description: `register type: ${UNIT_HELP}` },
    ),
    channel: Type.Optional(
      Type.String({
        pattern: ID_PATTERN,
        description: 'channel to report it on; default: the name in lower case, e.g. l1_voltage',
      }),
    ),
    value: Type.Optional(
      Type.String({
        pattern: VALUE_NAME_PATTERN,
        description:
          'value name, e.g. voltage_v_l1; default from the unit (power_w, apparent_power_va, voltage_v, current_a, ' +
          'frequency_hz). energy_import_wh / energy_export_wh (P) and apparent_energy_vah (S) report the register total itself',
      }),
    ),
  },
  { additionalProperties: false, description: 'a register with an explicit channel and value name' },
);

export const RegisterStringSchema = Type.String({
  pattern: `^[^=]+=(${EGAUGE_UNITS.join('|')})$`,
  description: `"name=unit" as in the register list of the eGauge (e.g. "Grid=P", "L1 Voltage=V"); unit: ${UNIT_HELP}`,
});

export const EgaugeConfigSchema = Type.Object(
  {
    ...httpDeviceProperties('eGauge', 'http://egauge12345.local or http://192.168.1.40', 10_000),
    registers: Type.Array(Type.Union([RegisterStringSchema, RegisterObjectSchema]), {
      minItems: 1,
      maxItems: 256,
      uniqueItems: true,
      description: 'the registers to report; each becomes a value on a channel',
    }),
    api: Type.Union([Type.Literal('history'), Type.Literal('instantaneous')], {
      default: 'history',
      description:
        'history: /cgi-bin/egauge-show, rates over step_s from the stored totals, outages (and agent restarts) filled ' +
        'in from the device history; instantaneous: /cgi-bin/egauge?inst&tot, the device values over its last ' +
        'second (smaller answers, registers like "Total Usage" too, but missed polls stay missed)',
    }),
    step_s: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 1,
      description:
        'api history: one sample per channel every step_s seconds of device time, on multiples of step_s, averaged over the step ' +
        '(1 = every second row the eGauge stores)',
    }),
    history_rows: Type.Integer({
      minimum: 2,
      maximum: 86_400,
      default: 3600,
      description:
        'most one-second rows asked for at once: bounds how long an outage is filled in from the history ' +
        '(eGauge meters keep about an hour of one-second rows)',
    }),
    max_power_w: Type.Number({
      exclusiveMinimum: 0,
      default: 250_000,
      description:
        'larger powers (P and S registers) are glitches or counter resets: the interval is skipped and reported once',
    }),
  },
  { additionalProperties: false },
);

export type EgaugeConfig = Static<typeof EgaugeConfigSchema>;
export type RegisterSpec = EgaugeConfig['registers'][number];
