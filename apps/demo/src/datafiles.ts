import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Lines (= readings) per JSONL file of the file sink. */
export type FileCounts = Map<string, number>;

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  }
  return n;
}

/** Counts the readings in every `*.jsonl` file of `dir` (none if it does not exist yet). */
export async function countDataFiles(dir: string): Promise<FileCounts> {
  const counts: FileCounts = new Map();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return counts;
  }
  for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) {
    counts.set(name, await countLines(join(dir, name)));
  }
  return counts;
}

export async function fileSizes(dir: string, names: Iterable<string>): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of names) {
    try {
      sizes.set(name, (await stat(join(dir, name))).size);
    } catch {
      // gone
    }
  }
  return sizes;
}
