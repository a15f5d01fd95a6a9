import Ajv, { type ValidateFunction } from 'ajv';
import {
  type ApplianceEstimatesMessage,
  ApplianceEstimatesSchema,
  type VoltageForecastMessage,
  VoltageForecastSchema,
} from './schemas/forecast.js';
import { isSiteId, TOPIC_ROOT, TopicError } from './topics.js';
import { describeErrors, type Validation } from './validate.js';

function siteTopic(site: string, rest: string): string {
  if (!isSiteId(site)) throw new TopicError(`bad or reserved site id ${JSON.stringify(site)}`, site);
  return `${TOPIC_ROOT}/${site}/${rest}`;
}

/**
 * `wattbus/v1/{site}/forecast/voltage` (QoS1, retained). The last level is never `reading`, so a meter named
 * `forecast` or `insights` keeps an unambiguous reading topic.
 */
export const voltageForecastTopic = (site: string): string => siteTopic(site, 'forecast/voltage');

/** `wattbus/v1/{site}/insights/appliances` (QoS1, retained). */
export const applianceEstimatesTopic = (site: string): string => siteTopic(site, 'insights/appliances');

/** The voltage forecasts of one site, or of every site. */
export const voltageForecastFilter = (site = '+'): string => `${TOPIC_ROOT}/${site}/forecast/voltage`;

/** The site of a voltage-forecast topic, or undefined if it is not one. */
export function parseVoltageForecastTopic(topic: string): { site: string } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 5 || `${levels[0]}/${levels[1]}` !== TOPIC_ROOT) return undefined;
  if (levels[3] !== 'forecast' || levels[4] !== 'voltage' || !isSiteId(levels[2])) return undefined;
  return { site: levels[2] as string };
}

// Compiled on first use: forecasts are read on servers, not on the agents' Pis (like rollups).
let forecast: ValidateFunction | undefined;
let estimates: ValidateFunction | undefined;
const ajv = () => new Ajv.default({ allErrors: true, strict: true });

export function validateVoltageForecast(data: unknown): Validation<VoltageForecastMessage> {
  forecast ??= ajv().compile(VoltageForecastSchema);
  if (forecast(data)) return { ok: true, value: data as VoltageForecastMessage };
  return { ok: false, errors: describeErrors(forecast.errors ?? [], data) };
}

export function validateApplianceEstimates(data: unknown): Validation<ApplianceEstimatesMessage> {
  estimates ??= ajv().compile(ApplianceEstimatesSchema);
  if (estimates(data)) return { ok: true, value: data as ApplianceEstimatesMessage };
  return { ok: false, errors: describeErrors(estimates.errors ?? [], data) };
}
