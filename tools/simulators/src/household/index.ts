export {
  APPLIANCE_NAMES,
  type ApplianceName,
  type ApplianceTruth,
  applianceTruth,
  type TruthEvent,
} from './appliances.js';
export { type FeederHour, type FeederOptions, feederHours } from './feeder.js';
