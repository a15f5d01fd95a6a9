// What the apps' benchmarks reuse: the reference consumers and the latency bookkeeping of the end-to-end bench.
export {
  type ConsumerHandle,
  type ConsumerOptions,
  createSession,
  dropSession,
  payloadTs,
  queueBacklog,
  startNaiveConsumer,
  startRawSubscriber,
} from './consumers.js';
export { type InfluxPollerOptions, InfluxVisibilityPoller, LatencyHistogram, PublishedBuckets } from './latency.js';
export { cpuSeconds, pinToCores } from './machine.js';
