import { MetricSet } from '@wattbus/observability';

/** The sink worker's Prometheus metrics, in a registry of its own (plus the process metrics). */
export class SinkWorkerMetrics extends MetricSet {
  readonly received = this.counter('wattbus_sink_received_total', 'reading messages received from the broker');
  readonly written = this.counter('wattbus_sink_written_total', 'readings written, per sink', ['sink']);
  readonly retries = this.counter('wattbus_sink_retries_total', 'failed batch writes that will be retried, per sink', [
    'sink',
  ]);
  readonly deadLettered = this.counter('wattbus_sink_dead_lettered_total', 'messages sent to the dead-letter topic');
  readonly receipts = this.counter('wattbus_sink_receipts_total', 'storage receipts published to the agents');
  readonly batchSize = this.histogram(
    'wattbus_sink_batch_size',
    'readings per written batch, per sink',
    [1, 10, 50, 100, 500, 1000, 5000],
    ['sink'],
  );
  readonly batchSeconds = this.histogram(
    'wattbus_sink_batch_write_seconds',
    'time to write a batch, retries included, per sink',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    ['sink'],
  );

  constructor(inFlight: () => number) {
    super();
    this.gauge('wattbus_sink_in_flight', 'messages received and not yet acknowledged', inFlight);
    this.collectProcessMetrics();
  }
}
