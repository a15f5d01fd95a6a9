export { type FleetOptions, HouseholdFleet } from './fleet.js';
export {
  type Clock,
  dueCount,
  type LoadOptions,
  type LoadProgress,
  type LoadSummary,
  type Publisher,
  realClock,
  runLoad,
} from './run.js';
