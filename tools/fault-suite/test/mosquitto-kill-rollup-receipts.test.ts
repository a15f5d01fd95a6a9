import { it } from 'vitest';
import { runRollupBrokerKills } from '../src/rollup-broker-kills.js';
import { DEPLOYED_MOSQUITTO } from '../src/scenario.js';

/**
 * mosquitto with the deployed persistence (saved every 10 s: a SIGKILL loses what it acknowledged since, sessions
 * included) SIGKILLed 5 times under the rollup app: the readings it lost reach the rollup app again through the
 * publisher's receipts, the rollups it lost reach the store again through the rollup app's.
 */
it(
  'mosquitto (deployed persistence) SIGKILLed 5 times under the rollup app, with receipts on both ends: every rollup stored once, final, right energy',
  {
    timeout: 300_000,
  },
  () =>
    runRollupBrokerKills({
      scenario: 'mosquitto-kill-rollup-receipts',
      broker: 'mosquitto',
      brokerConfig: DEPLOYED_MOSQUITTO,
    }),
);
