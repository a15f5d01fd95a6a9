export {
  type HealthCheck,
  type MetricsConfig,
  MetricsConfigSchema,
  type ObservabilityEndpoint,
  serveObservability,
} from './http-endpoint.js';
export { MetricSet } from './metric-set.js';
