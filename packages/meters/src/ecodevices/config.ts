import { type Static, Type } from '@sinclair/typebox';
import { ID_PATTERN, type Rate, VALUE_NAME_PATTERN } from '@wattbus/contract';
import { httpDeviceProperties } from '../http/index.js';

export const TELEINFO_INPUTS = ['t1', 't2'] as const;
export type TeleinfoInput = (typeof TELEINFO_INPUTS)[number];

/**
 * The period indexes of each teleinfo tariff option (OPTARIF), and the contract rate each is published as:
 * off-peak/peak, EJP (normal hours, mobile peak), Tempo (off-peak/peak on blue, white and red days).
 */
export const TARIFF_OPTIONS = {
  hc: { HCHC: 'hc', HCHP: 'hp' },
  ejp: { EJPHN: 'hn', EJPHPM: 'pm' },
  tempo: {
    BBRHCJB: 'hcjb',
    BBRHPJB: 'hpjb',
    BBRHCJW: 'hcjw',
    BBRHPJW: 'hpjw',
    BBRHCJR: 'hcjr',
    BBRHPJR: 'hpjr',
  },
} as const satisfies Record<string, Record<string, Rate>>;
export type TariffOption = keyof typeof TARIFF_OPTIONS;

const TariffOptionSchema = Type.Union(
  (Object.keys(TARIFF_OPTIONS) as TariffOption[]).map((o) => Type.Literal(o)),
  { description: 'the contract of the meter on that input: hc (off-peak/peak), ejp or tempo' },
);

export const PulseCounterSchema = Type.Object(
  {
    channel: Type.String({ pattern: ID_PATTERN, description: 'channel to report the counter on, e.g. production' }),
    value: Type.String({
      pattern: VALUE_NAME_PATTERN,
      description: 'value name of the counted quantity, e.g. energy_export_wh for the pulse output of a PV meter',
    }),
    scale: Type.Number({
      exclusiveMinimum: 0,
      description: 'value units per unit of the Eco-devices index, e.g. 1 for an index in Wh, 1000 for kWh',
    }),
  },
  { additionalProperties: false, description: 'report this pulse counter (INDEX_C1 / INDEX_C2)' },
);

export const EcodevicesConfigSchema = Type.Object(
  {
    ...httpDeviceProperties('Eco-devices', 'http://192.168.1.70', 5_000),
    teleinfo: Type.Array(
      Type.Union(
        TELEINFO_INPUTS.map((t) => Type.Literal(t)),
        { description: 'teleinfo input' },
      ),
      {
        minItems: 0,
        uniqueItems: true,
        default: ['t1', 't2'],
        description:
          'teleinfo inputs to report, each on the channel of the same name (t1, t2); an input with no meter ' +
          'connected (PTEC "----") gives no sample',
      },
    ),
    tariff_option: Type.Optional(
      Type.Object(
        { t1: Type.Optional(TariffOptionSchema), t2: Type.Optional(TariffOptionSchema) },
        {
          additionalProperties: false,
          description:
            'per teleinfo input, its tariff option: each period index is then also reported on its own, as ' +
            'energy_import_wh_<rate> (hc, hp; hn, pm; hcjb … hpjr), and a missing one fails the read',
        },
      ),
    ),
    c1: Type.Optional(PulseCounterSchema),
    c2: Type.Optional(PulseCounterSchema),
    max_apparent_power_va: Type.Number({
      exclusiveMinimum: 0,
      default: 100_000,
      description: 'larger PAPP values are glitches and fail the read (teleinfo PAPP has 5 digits)',
    }),
  },
  { additionalProperties: false },
);

export type EcodevicesConfig = Static<typeof EcodevicesConfigSchema>;
export type PulseCounterConfig = Static<typeof PulseCounterSchema>;
