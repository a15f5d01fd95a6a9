import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';

/** Every reading in the file sink's JSON-lines files (an append log: a redelivered reading appears twice). */
export async function readFileSink(dir: string): Promise<Reading[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.flatMap((t) =>
    t
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Reading),
  );
}
