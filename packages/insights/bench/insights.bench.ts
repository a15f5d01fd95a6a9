/**
 * `pnpm bench:insights`: the insights scored on simulated ground truth (tools/simulators household), trained on
 * weeks 1–3 and evaluated on week 4, each against its naive baseline. Prints the figures and writes them into
 * docs/insights.md between the bench markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APPLIANCE_NAMES } from '@wattbus/simulators/household';
import { benchAppliances } from './appliances.js';
import { f1, mean, pct, precision, recall } from './scores.js';
import { benchVoltage, type VoltageScores } from './voltage.js';

const MONDAY = Date.UTC(2026, 2, 2);
const SITES = [1, 2, 3, 4, 5, 6, 7, 8];
const HOUSEHOLDS = [1, 2, 3, 4];
const DOC = fileURLToPath(new URL('../../../docs/insights.md', import.meta.url));

const started = Date.now();
const withTemperature = benchVoltage(SITES, MONDAY, true);
const withoutTemperature = benchVoltage(SITES, MONDAY, false);
const appliances = benchAppliances(HOUSEHOLDS, MONDAY);

const lead = (h: number) => (Number.isNaN(h) ? 'n/a' : `${h.toFixed(1)} h`);
const voltageRow = (name: string, v: VoltageScores, which: 'model' | 'baseline') =>
  `| ${name} | ${pct(precision(v[which]))} | ${pct(recall(v[which]))} | ${pct(f1(v[which]))} | ${
    which === 'model' ? v.model_warned : v.baseline_warned
  } of ${v.episodes} | ${lead(which === 'model' ? v.model_lead_h : v.baseline_lead_h)} |`;

const lines = [
  `Measured by \`pnpm bench:insights\` on ${new Date().toISOString().slice(0, 10)}, ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  '',
  `**Voltage excursions**: ${SITES.length} simulated sites, week 4 (${withTemperature.excursion_hours} excursion hours in ${withTemperature.episodes} episodes); every hour forecasts the next 6, each (issue, hour) pair counted.`,
  '',
  '| forecast | precision | recall | F1 | episodes warned | mean lead |',
  '|---|---|---|---|---|---|',
  voltageRow('model, with temperature', withTemperature, 'model'),
  voltageRow('model, without temperature', withoutTemperature, 'model'),
  voltageRow('baseline: same hour yesterday', withTemperature, 'baseline'),
  '',
  `Training statuses: ${[...new Set(withTemperature.statuses)].join(', ')}.`,
  '',
  `**Appliances**: ${HOUSEHOLDS.length} simulated households, week 4; ${appliances.signatures.join(', ')} signatures learnt.`,
  '',
  '| detector | event precision | event recall | event F1 |',
  '|---|---|---|---|',
  `| model | ${pct(precision(appliances.model))} | ${pct(recall(appliances.model))} | ${pct(f1(appliances.model))} |`,
  `| baseline: one appliance | ${pct(precision(appliances.baseline))} | ${pct(recall(appliances.baseline))} | ${pct(f1(appliances.baseline))} |`,
  '',
  '| appliance | energy error, model | energy error, one-appliance baseline |',
  '|---|---|---|',
  ...APPLIANCE_NAMES.map(
    (n) => `| ${n} | ${pct(mean(appliances.model_error[n]))} | ${pct(mean(appliances.baseline_error[n]))} |`,
  ),
  '',
  'Energy error: mean over households of |estimated − true| / true energy per day in week 4.',
];

const figures = lines.join('\n');
console.log(figures);
const START = '<!-- bench:insights:start -->';
const END = '<!-- bench:insights:end -->';
const doc = readFileSync(DOC, 'utf8');
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`${DOC} lacks the ${START} … ${END} markers`);
writeFileSync(DOC, `${doc.slice(0, from + START.length)}\n${figures}\n${doc.slice(to)}`);
console.log(`\nwritten to ${DOC}`);
