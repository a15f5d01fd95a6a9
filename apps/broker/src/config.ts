import { type Static, Type } from '@sinclair/typebox';

export const BrokerConfigSchema = Type.Object(
  {
    listeners: Type.Object(
      {
        tcp: Type.Object(
          {
            host: Type.String({
              default: '127.0.0.1',
              description: 'address to bind; 0.0.0.0 for every interface',
            }),
            port: Type.Integer({
              minimum: 0,
              maximum: 65535,
              default: 1883,
              description: '0 = any free port',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        allow_anonymous: Type.Boolean({
          default: false,
          description: 'accept clients without credentials (the demo only)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type BrokerConfig = Static<typeof BrokerConfigSchema>;
