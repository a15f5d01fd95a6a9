import { join } from 'node:path';
import type { FileCounts } from './datafiles.js';
import type { DemoState } from './state.js';
import { formatDuration, plural } from './view.js';

const kib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;

export interface SummaryInput {
  state: DemoState;
  startedAt: number;
  now: number;
  dataDir: string;
  logsDir: string;
  configDir: string;
  influx?: string | undefined;
  /** Line counts before and after the run. */
  before: FileCounts;
  after: FileCounts;
  /** Sizes of the data files after the run, bytes. */
  sizes: Map<string, number>;
}

/** The few lines printed after a clean stop. */
export function renderSummary(s: SummaryInput): string {
  const written = [...s.after].filter(([name, n]) => n !== (s.before.get(name) ?? 0));
  const newLines = written.reduce((sum, [name, n]) => sum + n - (s.before.get(name) ?? 0), 0);
  const lines = [
    `wattbus demo stopped after ${formatDuration(s.now - s.startedAt)}.`,
    `  readings seen:   ${s.state.readings} from ${plural(s.state.sites.size, 'site')}; ${plural(s.state.alertsRaised, 'alert')} raised; ${plural(s.state.deadLetters, 'dead letter')}`,
    `  files written:   ${plural(newLines, 'reading')} to ${plural(written.length, 'file')}`,
    ...written.map(
      ([name, n]) =>
        `                   ${join(s.dataDir, name)} (+${n - (s.before.get(name) ?? 0)}, ${n} lines, ${kib(s.sizes.get(name) ?? 0)})`,
    ),
    `  data (JSONL):    ${s.dataDir}`,
  ];
  if (s.influx) lines.push(`  InfluxDB:        ${s.influx}`);
  lines.push(`  logs:            ${s.logsDir}`, `  configs:         ${s.configDir}`);
  return lines.join('\n');
}
