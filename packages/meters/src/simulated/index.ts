import { defineDriver } from '../driver.js';
import { SimulatedConfigSchema } from './config.js';
import { createSimulatedMeter } from './driver.js';

export {
  type SimulatedConfig,
  SimulatedConfigSchema,
  type SimulatedFail,
  SimulatedFailSchema,
} from './config.js';
export { createSimulatedMeter, SimulatedMeter } from './driver.js';
export { type HouseholdParams, type HouseholdSample, householdPower } from './household.js';

/** The `simulated` driver: a deterministic synthetic household (consumption, optional PV, grid). */
export const simulatedDriver = defineDriver({
  name: 'simulated',
  description:
    'Synthetic household for demos, tests and load generation: seeded, deterministic consumption with ' +
    'appliances by time of day, optional PV following the sun, and grid voltage/frequency; optional fault injection.',
  configSchema: SimulatedConfigSchema,
  create: createSimulatedMeter,
});
