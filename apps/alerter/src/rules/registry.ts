import { buildRegistry } from '@wattbus/config/plugin';
import { deliveryLagRule } from './delivery-lag/index.js';
import { energyIndexRule } from './energy-index/index.js';
import { extremeRule } from './extreme/index.js';
import { missingDataRule } from './missing-data/index.js';
import { overloadRule } from './overload/index.js';
import { pvNightRule } from './pv-night/index.js';
import { signRule } from './sign/index.js';
import { voltageRule } from './voltage/index.js';
import { voltageForecastRule } from './voltage-forecast/index.js';

/** Every alert rule, by its key under `rules:` and in `overrides:`, in the order they judge. Add one line per rule. */
export const rules = buildRegistry('rule', [
  missingDataRule,
  signRule,
  pvNightRule,
  overloadRule,
  extremeRule,
  energyIndexRule,
  voltageRule,
  deliveryLagRule,
  voltageForecastRule,
]);
