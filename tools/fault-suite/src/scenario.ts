import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect } from 'vitest';
import { Pipeline, type PipelineOptions, type SettledCounts, type SettleOptions } from './pipeline.js';
import { faultTimes } from './seed.js';

export interface Fault {
  /** ms after the stream starts */
  at: number;
  run: () => Promise<void>;
}

export interface ScenarioOptions extends PipelineOptions {
  /** How long the agent generates readings. Default 25 s (≈ 3,000 readings with 4 meters at 100 ms). */
  durationMs?: number;
  settle?: SettleOptions;
}

export type Result = SettledCounts & { scenario: string; seed: number; story: string; kills: Pipeline['kills'] };

/**
 * Starts the pipeline, runs the stream with the faults `plan` places (from the seeded rng), settles and counts.
 * Every process is stopped whatever happens.
 */
export async function runScenario(options: ScenarioOptions, plan: (p: Pipeline) => Fault[]): Promise<Result> {
  const p = await Pipeline.start(options);
  try {
    await p.stream(options.durationMs ?? 25_000, plan(p));
    const counts = await p.settle(options.settle);
    return { ...counts, scenario: p.scenario, seed: p.rng.seed, story: p.story(), kills: p.kills };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- faults[${p.scenario}] seed=${p.rng.seed} ---\n${p.story()}`, {
      cause: err,
    });
  } finally {
    await p.dispose();
  }
}

/**
 * `count` SIGKILLs of `target`, at random points of a 25 s stream (between +3 s and +21 s, at least 4 s apart, or
 * 2.5 s for 5 kills and more), each down for 0.3–2.5 s.
 */
export function randomCrashes(p: Pipeline, target: (p: Pipeline) => Parameters<Pipeline['crash']>[0], count: number) {
  return faultTimes(p.rng, count, 3_000, 21_000, count >= 5 ? 2_500 : 4_000).map((at) => ({
    at,
    run: () => p.crash(target(p), p.rng.int(300, 2_500)),
  }));
}

/** Every generated reading stored exactly once, nothing left in the agent's queue. */
export function expectExactlyOnce(r: SettledCounts & { story: string }, minGenerated = 1_500): void {
  const { generated, stored, missing, duplicated, unexpected, dropped, queued } = r;
  expect(
    { stored, missing, duplicated, unexpected, dropped, queued },
    `what happened:\n${r.story}\nmissing seqs: ${JSON.stringify(r.missingByChannel)}`,
  ).toEqual({ stored: generated, missing: 0, duplicated: 0, unexpected: 0, dropped: 0, queued: 0 });
  expect(generated).toBeGreaterThan(minGenerated);
}

/**
 * mosquitto keeps sessions and queued messages in memory and writes them on a clean stop and on autosave; a
 * SIGKILL loses what was not saved. With this it saves after every change (see the README for what the
 * deployed `autosave_interval 60` loses).
 */
export const CRASH_SAFE_MOSQUITTO = 'autosave_on_changes true\nautosave_interval 1';

/** The persistence settings of the deployed mosquitto.conf (`autosave_interval 10`), as operators run it. */
export const DEPLOYED_MOSQUITTO = readFileSync(join(REPO_ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8')
  .split('\n')
  .filter((line) => /^autosave_/.test(line))
  .join('\n');

/** A reading made this long before a SIGKILL may be lost by it (see expectLossOnlyAtKills). */
export const KILL_WINDOW_MS = 1_000;

/**
 * A broker SIGKILLed within this long of coming back may lose the outage's backlog the agent was replaying to it
 * (acknowledged before saved, like any reading at a kill). Storage receipts (issue #19) are meant to make it 0.
 */
export const REPLAY_WINDOW_MS = 3_000;

/**
 * For a process SIGKILLed mid-stream that can lose the readings of the instant before the kill:
 * - a broker: neither stores a QoS1 message durably before its PUBACK (Aedes 1.2 writes the PUBACK first,
 *   lib/handlers/publish.js; mosquitto snapshots its memory on autosave), and the agent deletes what was acked;
 * - the agent (`agent: true`): a poll takes its seqs before its readings are written, and another meter's write
 *   may persist those counters first; killed in between, the seqs are used but no reading carries them (a gap).
 * Asserted: no duplicates, and every missing reading is one of those — at most two seqs after the last stored
 * reading of its channel (for the agent: exactly the next one, and the next stored one was made after the
 * kill), that stored reading made within KILL_WINDOW_MS before a SIGKILL — and at most one poll of every meter
 * (12 readings) per SIGKILL. For a broker, also the readings from just before a kill up to the next one when that
 * next kill came within REPLAY_WINDOW_MS of the broker being back (the replayed backlog was cut short); those
 * are counted apart. `final` is the count to judge (e.g. after a sink reconnect).
 */
export function expectLossOnlyAtKills(
  r: Result,
  final: SettledCounts | Result['afterSinkReconnect'] = r,
  { agent = false }: { agent?: boolean } = {},
): void {
  const counts = final ?? r;
  const atKill = (m: (typeof counts.missingReadings)[number]) =>
    m.afterSeq !== undefined &&
    m.after !== undefined &&
    m.seq - m.afterSeq <= (agent ? 1 : 2) &&
    r.kills.some(
      (k) =>
        (m.after as number) < k.at &&
        (m.after as number) >= k.at - KILL_WINDOW_MS &&
        (!agent || (m.before ?? Number.POSITIVE_INFINITY) > k.at),
    );
  // A broker killed again soon after it came back can also lose the backlog the agent was replaying to it: those
  // readings were made during the outage before, and acknowledged (not yet saved) just before this kill.
  const inCutReplay = (m: (typeof counts.missingReadings)[number]) =>
    !agent &&
    m.after !== undefined &&
    r.kills.some((k, i) => {
      const previous = r.kills[i - 1];
      return (
        previous?.back !== undefined &&
        k.at - previous.back <= REPLAY_WINDOW_MS &&
        (m.after as number) >= previous.at - KILL_WINDOW_MS &&
        (m.after as number) < k.at
      );
    });
  const lostAtKill = counts.missingReadings.filter(atKill);
  const lostInReplay = counts.missingReadings.filter((m) => !atKill(m) && inCutReplay(m));
  const unexplained = counts.missingReadings.filter((m) => !atKill(m) && !inCutReplay(m));
  console.log(
    `faults[${r.scenario}] seed=${r.seed} generated=${r.generated} held_until_sink_reconnect=${r.missing - counts.missing} ` +
      `lost_at_sigkill=${lostAtKill.length} lost_in_cut_replay=${lostInReplay.length} other_missing=${unexplained.length} ` +
      `duplicated=${counts.duplicated}`,
  );
  const why = `${r.story}\nmissing: ${JSON.stringify(counts.missingReadings)}\nkills: ${JSON.stringify(r.kills)}`;
  expect(counts.missingReadings, why).toHaveLength(counts.missing); // every missing reading was checked
  expect(
    { unexplained, duplicated: counts.duplicated, unexpected: counts.unexpected, dropped: r.dropped, queued: r.queued },
    why,
  ).toEqual({ unexplained: [], duplicated: 0, unexpected: 0, dropped: 0, queued: 0 });
  expect(lostAtKill.length, why).toBeLessThanOrEqual(12 * r.kills.length);
}
