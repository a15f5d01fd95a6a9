/** One completed block of a site's power through its appliance model, and the estimates message it gives. */
import type { ApplianceEstimatesMessage } from '@wattbus/contract';
import { ApplianceModel, type ApplianceState, recognise } from '@wattbus/insights';
import type { PowerBlock } from './power-blocks.js';

export interface ApplianceUpdate {
  state: ApplianceState;
  message: ApplianceEstimatesMessage;
  /** Why a saved state was not used, when it was not. */
  problem?: string;
}

export function updateAppliances(saved: unknown, block: PowerBlock): ApplianceUpdate {
  let model = new ApplianceModel();
  let problem: string | undefined;
  if (saved !== undefined) {
    const loaded = ApplianceModel.fromJSON(saved);
    if (loaded.ok) model = loaded.model;
    else problem = loaded.status;
  }
  const result = recognise(model, block.power_w, block.start_ms);
  const state = model.toJSON();
  return {
    state,
    ...(problem && { problem }),
    message: {
      v: 1,
      site: block.site,
      ts: block.start_ms + block.power_w.length * 1000,
      status: result.status,
      observed_s: state.observed_s,
      appliances: model.estimates().map((e) => ({
        signature: e.signature,
        step_w: e.step_w,
        duration_s: e.duration_s,
        runs_per_day: e.runs_per_day,
        energy_wh_per_day: e.energy_wh_per_day,
      })),
    },
  };
}
