export { detectEvents, type EventOptions, type EventResult, type StepEvent } from './appliances/events.js';
export { type Recognition, recognise } from './appliances/recognise.js';
export {
  type ApplianceEstimate,
  ApplianceModel,
  type ApplianceState,
  type RunAssignment,
  type Signature,
  type SignatureOptions,
} from './appliances/signatures.js';
export { isTimeZone } from './voltage/features.js';
export {
  type ForecasterOptions,
  type HourForecast,
  type TrainResult,
  type VoltageForecast,
  VoltageForecaster,
  type VoltageModelState,
} from './voltage/forecaster.js';
export { siteHoursFromRollups } from './voltage/from-rollups.js';
export { EN_50160, HOUR_MS, type SiteHour, type VoltageBand } from './voltage/hours.js';
