/**
 * One site's hourly rollups and voltage model, kept as one JSON file written atomically (temp file, fsync,
 * rename), so a restart resumes with the same history and model instead of starting over.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rollup } from '@wattbus/contract';
import type { VoltageModelState } from '@wattbus/insights';

export interface SiteState {
  version: 1;
  /** 1-hour rollups by key, the highest revision of each. */
  rollups: Rollup[];
  model: VoltageModelState | null;
  /** Start of the newest hour the model was trained with. */
  trained_through: number | null;
}

export const emptySite = (): SiteState => ({ version: 1, rollups: [], model: null, trained_through: null });

const file = (dir: string, site: string) => join(dir, `${site}.json`);

/** The site's saved state; a missing file is a new site, an unreadable one is reported and started afresh. */
export async function loadSite(dir: string, site: string): Promise<{ state: SiteState; problem?: string }> {
  let text: string;
  try {
    text = await readFile(file(dir, site), 'utf8');
  } catch {
    return { state: emptySite() };
  }
  try {
    const state = JSON.parse(text) as SiteState;
    if (state?.version !== 1 || !Array.isArray(state.rollups)) throw new Error('not a version 1 site state');
    return { state };
  } catch (err) {
    return { state: emptySite(), problem: `${file(dir, site)}: ${(err as Error).message}` };
  }
}

export async function saveSite(dir: string, site: string, state: SiteState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = `${file(dir, site)}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file(dir, site));
}
