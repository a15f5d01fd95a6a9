export { type FleetOptions, HouseholdFleet } from './fleet.js';
export {
  type Clock,
  dueCount,
  type LoadOptions,
  type LoadProgress,
  type LoadSummary,
  type Publisher,
  runLoad,
} from './run.js';
