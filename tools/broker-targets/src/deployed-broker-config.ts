import { type Static, Type } from '@sinclair/typebox';

const Listener = Type.Object({ host: Type.String(), port: Type.Integer() }, { additionalProperties: true });

/**
 * The parts of deploy/examples/broker.yaml the targets replace (listeners, metrics); the rest is passed on as it
 * is, and the broker validates the whole file when it starts. (The broker's own schema would make this package
 * depend on the app whose tests use it.)
 */
export const DeployedBrokerConfig = Type.Object(
  {
    listeners: Type.Object({ tcp: Listener, tls: Listener, wss: Listener }, { additionalProperties: true }),
    auth: Type.Object({}, { additionalProperties: true }),
    metrics: Type.Object({ port: Type.Integer(), path: Type.String() }, { additionalProperties: true }),
  },
  { additionalProperties: true },
);
export type DeployedBrokerConfig = Static<typeof DeployedBrokerConfig>;
