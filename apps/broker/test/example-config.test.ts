import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { BrokerConfigSchema } from '../src/config.js';

it('deploy/examples/broker.yaml is valid and refuses anonymous clients', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/examples/broker.yaml'), BrokerConfigSchema);
  expect(config).toEqual({ listeners: { tcp: { host: '0.0.0.0', port: 1883 } }, auth: { allow_anonymous: false } });
});
