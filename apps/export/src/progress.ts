import type { Progress, Summary } from '@wattbus/store-export';
import { Bar, Presets } from 'cli-progress';

export interface ProgressView {
  update(progress: Progress): void;
  /** Closes the view; prints the summary. */
  done(summary: Summary): void;
  /** Closes the view without a summary (the run failed). */
  stop(): void;
}

const JSON_EVERY_MS = 1000;

/** Speed and ETA from the share of the time range done so far. */
function measure(progress: Progress, from: number, to: number, startedMs: number) {
  const elapsed = (performance.now() - startedMs) / 1000;
  const fraction = Math.min(1, Math.max(0, (progress.doneUntil - from) / (to - from)));
  return {
    fraction,
    rowsPerS: elapsed > 0 ? progress.rows / elapsed : 0,
    etaS: fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A bar with rows, rate and ETA on a terminal (stderr); the data may be going to stdout meanwhile. */
export function terminalProgress(from: number, to: number, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const started = performance.now();
  const bar = new Bar(
    {
      stream,
      format: '{bar} {percentage}% | {rows} rows | {rate} rows/s | {mb} MB | ETA {eta_text}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    Presets.shades_classic,
  );
  bar.start(1000, 0, { rows: 0, rate: 0, mb: 0, eta_text: '…' });
  const stop = () => bar.stop();
  return {
    update(progress) {
      const { fraction, rowsPerS, etaS } = measure(progress, from, to, started);
      bar.update(Math.round(fraction * 1000), {
        rows: progress.rows.toLocaleString('en-US'),
        rate: Math.round(rowsPerS).toLocaleString('en-US'),
        mb: round(progress.bytes / 1e6),
        eta_text: etaS === null ? '…' : `${Math.round(etaS)} s`,
      });
    },
    done(summary) {
      stop();
      stream.write(
        `${summary.rows.toLocaleString('en-US')} rows, ${round(summary.bytes / 1e6)} MB written to ${summary.output} ` +
          `in ${round(summary.seconds)} s (${Math.round(summary.rows / Math.max(summary.seconds, 1e-3)).toLocaleString('en-US')} rows/s)\n`,
      );
    },
    stop,
  };
}

/** JSON lines on stderr, at most one a second, then the summary as one line: for logs and scripts. */
export function jsonProgress(from: number, to: number, stream: NodeJS.WritableStream = process.stderr): ProgressView {
  const started = performance.now();
  let last = started;
  return {
    update(progress) {
      const now = performance.now();
      if (now - last < JSON_EVERY_MS) return;
      last = now;
      const { fraction, rowsPerS, etaS } = measure(progress, from, to, started);
      stream.write(
        `${JSON.stringify({
          event: 'progress',
          rows: progress.rows,
          bytes: progress.bytes,
          done_until: new Date(progress.doneUntil).toISOString(),
          fraction: Math.round(fraction * 1000) / 1000,
          rows_per_s: Math.round(rowsPerS),
          eta_s: etaS === null ? null : Math.round(etaS),
        })}\n`,
      );
    },
    done(summary) {
      stream.write(
        `${JSON.stringify({
          event: 'summary',
          rows: summary.rows,
          bytes: summary.bytes,
          seconds: round(summary.seconds),
          rows_per_s: Math.round(summary.rows / Math.max(summary.seconds, 1e-3)),
          output: summary.output,
        })}\n`,
      );
    },
    stop() {},
  };
}
