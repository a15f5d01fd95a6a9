import type { Rollup } from '@wattbus/contract';

/** The InfluxDB measurement every rollup is written to. */
export const ROLLUP_MEASUREMENT = 'rollup';

// Ids, interval names and period names need no escaping (their patterns allow none of , = space \); strings in
// field values escape " and \.
const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/**
 * One rollup as one point: tags site, meter, channel, interval; timestamp = the interval's start (ms), so every
 * revision of one rollup is the same point and the one written last replaces the fields it has. Fields: role,
 * revision, end, readings, coverage, estimated_ms, resets, energy_import_wh / energy_export_wh (absent when
 * unknown), energy_source_import / _export, period_<name>_import_wh / _export_wh, tariff, power_w_mean / _min /
 * _max, voltage_v_min / _max, cost_currency, cost_import, cost_export, cost_standing, cost_unknown. Strings that
 * may be null are written as "" so that a newer revision always replaces them.
 */
export function rollupToLine(r: Rollup): string {
  const fields: string[] = [
    `role=${quote(r.role)}`,
    `revision=${r.revision}i`,
    `end=${r.end}i`,
    `readings=${r.readings}i`,
    `coverage=${r.coverage}`,
    `estimated_ms=${r.estimated_ms}i`,
    `resets=${r.resets}i`,
    `energy_source_import=${quote(r.energy_source.import ?? '')}`,
    `energy_source_export=${quote(r.energy_source.export ?? '')}`,
    `tariff=${quote(r.tariff ?? '')}`,
    `cost_currency=${quote(r.cost.currency ?? '')}`,
    `cost_unknown=${quote(r.cost.unknown ?? '')}`,
  ];
  const number = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined) fields.push(`${name}=${value}`);
  };
  number('energy_import_wh', r.energy_import_wh);
  number('energy_export_wh', r.energy_export_wh);
  for (const [period, wh] of Object.entries(r.periods)) {
    number(`period_${period}_import_wh`, wh.import_wh);
    number(`period_${period}_export_wh`, wh.export_wh);
  }
  number('power_w_mean', r.power_w?.mean);
  number('power_w_min', r.power_w?.min);
  number('power_w_max', r.power_w?.max);
  number('voltage_v_min', r.voltage_v?.min);
  number('voltage_v_max', r.voltage_v?.max);
  number('cost_import', r.cost.import);
  number('cost_export', r.cost.export);
  number('cost_standing', r.cost.standing);
  const tags = `channel=${r.channel},interval=${r.interval},meter=${r.meter},site=${r.site}`;
  return `${ROLLUP_MEASUREMENT},${tags} ${fields.join(',')} ${r.start}`;
}
