import { type Static, Type } from '@sinclair/typebox';

/** Fault injection: the meter is unreachable for the last `for_s` seconds of every `every_s`-second window. */
export const SimulatedFailSchema = Type.Object(
  {
    every_s: Type.Number({
      exclusiveMinimum: 0,
      description: 'length of the repeating window in seconds, aligned on epoch time',
    }),
    for_s: Type.Number({
      minimum: 0,
      description: 'reads fail during the last for_s seconds of each window (>= every_s: always failing)',
    }),
  },
  {
    additionalProperties: false,
    description: 'fault injection: read() throws a MeterReadError during the last for_s seconds of every every_s',
  },
);

export const SimulatedConfigSchema = Type.Object(
  {
    seed: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 1,
      description: 'seed of the household: the same seed and timestamp always give the same values',
    }),
    base_w: Type.Number({
      minimum: 0,
      maximum: 100_000,
      default: 150,
      description: 'mean base load in W (standby and fridge cycling), appliances come on top',
    }),
    pv_kwp: Type.Number({
      minimum: 0,
      maximum: 1_000,
      default: 0,
      description: 'peak power of the PV installation in kWp; 0 means no production channel',
    }),
    latitude: Type.Number({
      minimum: -90,
      maximum: 90,
      default: 50.85,
      description: 'site latitude in degrees (north positive), for the sun position',
    }),
    longitude: Type.Number({
      minimum: -180,
      maximum: 180,
      default: 4.35,
      description: 'site longitude in degrees (east positive), for the sun position and local time of day',
    }),
    fail: Type.Optional(SimulatedFailSchema),
  },
  { additionalProperties: false },
);

export type SimulatedConfig = Static<typeof SimulatedConfigSchema>;
export type SimulatedFail = Static<typeof SimulatedFailSchema>;
