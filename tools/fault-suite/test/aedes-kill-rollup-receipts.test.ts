import { it } from 'vitest';
import { runRollupBrokerKills } from '../src/rollup-broker-kills.js';

/**
 * Our broker app (LevelDB persistence, PUBACK before save) SIGKILLed 5 times under the rollup app: the readings and
 * the rollups it acknowledged and lost are sent again, through receipts, until the rollup app and the store have them.
 */
it(
  'the Aedes broker app (LevelDB) SIGKILLed 5 times under the rollup app, with receipts on both ends: every rollup stored once, final, right energy',
  {
    timeout: 300_000,
  },
  () => runRollupBrokerKills({ scenario: 'aedes-kill-rollup-receipts', broker: 'aedes-persistent' }),
);
