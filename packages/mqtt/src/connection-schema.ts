import { type Static, Type } from '@sinclair/typebox';

const BrokerUrl = Type.String({
  pattern: '^(mqtts?|wss?|tcp|ssl)://',
  description: 'broker URL: mqtt://host:1883, mqtts://host:8883, ws:// or wss://',
});

/** The `mqtt:` section shared by every app's config. */
export const MqttConnectionSchema = Type.Object(
  {
    url: Type.Union([BrokerUrl, Type.Array(BrokerUrl, { minItems: 1, uniqueItems: true })], {
      description: 'a broker URL, or a list of them tried in turn',
    }),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'defaults per app' })),
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ description: 'use ${ENV_VAR} rather than writing it in the file' })),
    ca: Type.Optional(Type.String({ description: 'PEM file of the CA that signed the broker certificate' })),
    cert: Type.Optional(Type.String({ description: 'PEM client certificate file (mutual TLS)' })),
    key: Type.Optional(Type.String({ description: 'PEM client key file (mutual TLS)' })),
    reject_unauthorized: Type.Boolean({ default: true, description: 'verify the broker certificate' }),
    protocol_version: Type.Union([Type.Literal(4), Type.Literal(5)], {
      default: 4,
      description: '4 = MQTT 3.1.1 (the embedded broker, Mosquitto; both take $share), 5 = MQTT 5 (Mosquitto, EMQX)',
    }),
    keepalive_s: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
    reconnect_min_ms: Type.Integer({ minimum: 100, default: 1000, description: 'first reconnect delay' }),
    reconnect_max_ms: Type.Integer({
      minimum: 1000,
      default: 30_000,
      description: 'reconnect backoff ceiling',
    }),
  },
  { additionalProperties: false },
);
export type MqttConnection = Static<typeof MqttConnectionSchema>;
