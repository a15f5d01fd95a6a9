import { it } from 'vitest';
import { expectNoHarm } from '../src/expect-no-harm.js';
import { runTenantSuite } from '../src/suite.js';

it('a household with valid credentials attacks the deployed mosquitto and every consumer: nobody else is harmed', async () => {
  expectNoHarm(await runTenantSuite('mosquitto'));
});
