import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The sink worker's Prometheus metrics, in a registry of its own (plus the process metrics). */
export class SinkWorkerMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'wattbus_sink_received_total',
    help: 'reading messages received from the broker',
    registers: [this.registry],
  });
  readonly written = new Counter({
    name: 'wattbus_sink_written_total',
    help: 'readings written, per sink',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'wattbus_sink_retries_total',
    help: 'failed batch writes that will be retried, per sink',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'wattbus_sink_dead_lettered_total',
    help: 'messages sent to the dead-letter topic',
    registers: [this.registry],
  });
  readonly receipts = new Counter({
    name: 'wattbus_sink_receipts_total',
    help: 'storage receipts published to the agents',
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'wattbus_sink_batch_size',
    help: 'readings per written batch, per sink',
    labelNames: ['sink'] as const,
    buckets: [1, 10, 50, 100, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'wattbus_sink_batch_write_seconds',
    help: 'time to write a batch, retries included, per sink',
    labelNames: ['sink'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  constructor(inFlight: () => number) {
    new Gauge({
      name: 'wattbus_sink_in_flight',
      help: 'messages received and not yet acknowledged',
      registers: [this.registry],
      collect() {
        this.set(inFlight());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
