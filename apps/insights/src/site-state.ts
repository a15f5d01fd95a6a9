/**
 * One site's hourly rollups and voltage model, and its appliance model, kept as JSON files written atomically
 * (temp file, fsync, rename), so a restart resumes with the same history and models instead of starting over.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Rollup } from '@wattbus/contract';
import type { VoltageModelState } from '@wattbus/insights';

export interface SiteState {
  version: 1;
  /** 1-hour rollups by key, the highest revision of each. */
  rollups: Rollup[];
  model: VoltageModelState | null;
  /** Start of the newest hour the model was trained with. */
  trained_through: number | null;
  /** The time zone the site's retained info named, if any. */
  info_timezone?: string;
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

export const saveSite = (dir: string, site: string, state: SiteState) => saveJson(file(dir, site), state);

const appliancesFile = (dir: string, site: string) => join(dir, `${site}.appliances.json`);

/** The site's saved appliance model as parsed JSON (checked by the model), undefined for a new site. */
export async function loadAppliances(dir: string, site: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(appliancesFile(dir, site), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON: the model refuses it with a status
  }
}

export const saveAppliances = (dir: string, site: string, state: object) => saveJson(appliancesFile(dir, site), state);

async function saveJson(path: string, value: object): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
