export * from './alert.js';
export * from './common.js';
export * from './dead-letter.js';
export * from './health.js';
export * from './info.js';
export * from './reading.js';
export * from './receipt.js';
export * from './rollup.js';
export * from './status.js';

import { AlertSchema } from './alert.js';
import { DeadLetterSchema } from './dead-letter.js';
import { ApplianceEstimatesSchema, VoltageForecastSchema } from './forecast.js';
import { HealthSchema } from './health.js';
import { InfoSchema } from './info.js';
import { ReadingSchema } from './reading.js';
import { ReceiptSchema, RollupReceiptSchema } from './receipt.js';
import { RollupSchema } from './rollup.js';
import { StatusSchema } from './status.js';

/** Every message schema of contract v1, by name. */
export const SCHEMAS = {
  reading: ReadingSchema,
  status: StatusSchema,
  info: InfoSchema,
  health: HealthSchema,
  alert: AlertSchema,
  deadLetter: DeadLetterSchema,
  receipt: ReceiptSchema,
  rollup: RollupSchema,
  rollupReceipt: RollupReceiptSchema,
  forecastVoltage: VoltageForecastSchema,
  insightsAppliances: ApplianceEstimatesSchema,
} as const;
export type SchemaName = keyof typeof SCHEMAS;
