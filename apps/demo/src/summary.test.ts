import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { reading } from '../test/messages.js';
import { countDataFiles } from './datafiles.js';
import { applyMessage, createState } from './state.js';
import { renderSummary } from './summary.js';

const T = 1_800_000_000_000;

describe('summary', () => {
  it('counts the readings in the JSONL files', async () => {
    const dir = await tempDir('wattbus-demo-summary-');
    try {
      await writeFile(join(dir.path, 'readings-2027-01-15.jsonl'), '{}\n{}\n{}\n');
      await writeFile(join(dir.path, 'notes.txt'), 'x\n');
      expect(await countDataFiles(dir.path)).toEqual(new Map([['readings-2027-01-15.jsonl', 3]]));
      expect(await countDataFiles(join(dir.path, 'missing'))).toEqual(new Map());
    } finally {
      await dir.cleanup();
    }
  });

  it('says what was seen, what this run added to which file, and where everything is', () => {
    const state = createState([{ id: 'flat-a' }]);
    for (let i = 0; i < 5; i++)
      applyMessage(state, ...reading('flat-a', 'grid', 100, T + i * 1000, i + 1), T + i * 1000);
    const text = renderSummary({
      state,
      startedAt: T - 1000,
      now: T + 64_000,
      dataDir: '/d/data',
      logsDir: '/d/logs',
      configDir: '/d/config',
      influx: 'http://localhost:8086 db wattbus',
      before: new Map([['readings-2027-01-15.jsonl', 10]]),
      after: new Map([
        ['readings-2027-01-15.jsonl', 15],
        ['readings-2027-01-14.jsonl', 7],
      ]),
      sizes: new Map([['readings-2027-01-15.jsonl', 4096]]),
    });
    expect(text).toContain('stopped after 1m 05s');
    expect(text).toContain('readings seen:   5 from 1 site; 0 alerts raised; 0 dead letters');
    expect(text).toContain('files written:   12 readings to 2 files');
    expect(text).toContain('/d/data/readings-2027-01-15.jsonl (+5, 15 lines, 4.0 KiB)');
    expect(text).toContain('/d/data/readings-2027-01-14.jsonl (+7, 7 lines');
    expect(text).toContain('InfluxDB:        http://localhost:8086 db wattbus');
    expect(text).toContain('logs:            /d/logs');
  });
});
