import { detectEvents, type EventOptions, type StepEvent } from './events.js';
import type { ApplianceModel, RunAssignment } from './signatures.js';

export interface Recognition {
  /** `ok`, or why the figures are partial or absent: `no power` (every sample missing), `gaps: N s missing`. */
  status: string;
  events: StepEvent[];
  runs: RunAssignment[];
}

/** Detects the events in a block of 1-second power (null where missing) and feeds them to the household's model. */
export function recognise(
  model: ApplianceModel,
  power_w: ArrayLike<number | null>,
  start_ms: number,
  options: EventOptions = {},
): Recognition {
  const { events, gap_s } = detectEvents(power_w, options);
  if (gap_s === power_w.length) return { status: 'no power', events: [], runs: [] };
  const runs = model.ingest(events, start_ms, power_w.length - gap_s);
  return { status: gap_s > 0 ? `gaps: ${gap_s} s missing` : 'ok', events, runs };
}
