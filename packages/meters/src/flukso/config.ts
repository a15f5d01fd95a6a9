import { type Static, Type } from '@sinclair/typebox';
import { ChannelPhase, ID_PATTERN } from '@wattbus/contract';

export const SENSOR_ID_PATTERN = '^[0-9a-f]{32}$';

/** mqtt(s):// — the Fluksometer's broker; http:// — its local HTTP API. Host and port only, no credentials. */
export const FLUKSO_URL_PATTERN = '^(mqtts?|http)://[^/@?#]+/?$';

/** Whether a (valid) url reads the local HTTP API rather than the broker. */
export const isHttpUrl = (url: string) => url.startsWith('http://');

export const FluksoSensorSchema = Type.Object(
  {
    id: Type.String({
      pattern: SENSOR_ID_PATTERN,
      description: 'sensor id, 32 lower-case hex digits (Fluksometer web page, Sensor tab, or flukso.net)',
    }),
    channel: Type.String({
      pattern: ID_PATTERN,
      description: 'channel the sensor adds to; the sensors of one channel are summed (e.g. three phase clamps)',
    }),
    phase: Type.Optional(
      Type.Union(ChannelPhase.anyOf, {
        description: 'phase of the clamp: its share is also reported as power_w_<phase>',
      }),
    ),
    factor: Type.Number({
      default: 1,
      description:
        'what the sensor counts for in this channel, as the network/production/consumption factors of the ' +
        "Voisin d'énergie installations: 1 adds it, -1 subtracts it (a clamp cannot tell the direction of the " +
        'current), 0.5 half… List a sensor once per channel it contributes to.',
    }),
  },
  { additionalProperties: false },
);

export const FluksoConfigSchema = Type.Object(
  {
    url: Type.String({
      pattern: FLUKSO_URL_PATTERN,
      description:
        'the Fluksometer (host and port only), the scheme choosing how it is read: mqtt://192.168.1.60:1883 (or ' +
        'mqtts://) its own MQTT broker, power and energy pushed every second; http://192.168.1.60:8080 its local ' +
        'HTTP API, power only, polled, each read filling in up to 60 s of missed seconds',
    }),
    username: Type.Optional(
      Type.String({ minLength: 1, description: 'mqtt only: broker user name, if it asks for one' }),
    ),
    password: Type.Optional(
      Type.String({ description: 'mqtt only: broker password; write ${SOME_ENV_VAR} rather than the password itself' }),
    ),
    sensors: Type.Array(FluksoSensorSchema, {
      minItems: 1,
      maxItems: 64,
      description: 'the sensors to report and the channel each one counts for',
    }),
    stale_after_s: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 60,
      description:
        'a sensor that gave no power for this long fails with "no data from sensor …" (mqtt: the channels that use ' +
        'it, after no gauge message by our clock; http: the read, after only "nan" in its series for this many ' +
        "seconds of the Fluksometer's time); " +
        'the Fluksometer measures every second',
    }),
    max_power_w: Type.Number({
      exclusiveMinimum: 0,
      default: 100_000,
      description:
        'larger powers (or counter steps implying them) are glitches: dropped and reported (http: that second of the ' +
        'channels of the sensor is dropped, reported once)',
    }),
    first_data_ms: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 3000,
      description:
        'mqtt only: opening the meter waits up to this long for a first power value of every sensor, so that ' +
        'the first read (and wattbus-agent --once) has data; a sensor that sent nothing by then fails its channels; ' +
        '0: do not wait (a silent sensor fails its channels after stale_after_s)',
    }),
    connect_timeout_ms: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 10_000,
      description:
        'mqtt: opening the meter fails if the broker does not accept the connection within this time; http: a ' +
        'request without a complete answer within this time fails the read (the next read fills the gap in)',
    }),
  },
  { additionalProperties: false },
);

export type FluksoConfig = Static<typeof FluksoConfigSchema>;
export type FluksoSensorConfig = Static<typeof FluksoSensorSchema>;
