import type { ValueName } from '@wattbus/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { framingOf } from '../src/modbus/driver.js';
import { MODELS, registerMap } from '../src/modbus/models.js';
import { Rig, rtuConfig, SlaveBank, tcpConfig } from './modbus-helpers.js';

type Values = Partial<Record<ValueName, number>>;
const phases = (name: string, l1: number, l2: number, l3: number): Values =>
  ({ [`${name}_l1`]: l1, [`${name}_l2`]: l2, [`${name}_l3`]: l3 }) as Values;
/** A multi-tariff meter's per-rate indexes, which add up to its total. */
const rates = (name: string, t1: number, t2: number, t3: number, t4: number): Values =>
  ({ [`${name}_t1`]: t1, [`${name}_t2`]: t2, [`${name}_t3`]: t3, [`${name}_t4`]: t4 }) as Values;

/**
 * What each simulated meter holds, in contract units, and so what the driver must read back exactly:
 * integers scaled by 0.01/0.001/10 on the ORNO WE-515, float32 kW/kWh ×1000 on the WE-517 and the Eastrons,
 * negative (exporting) powers.
 */
const EXPECTED: Record<string, Values> = {
  'orno-we-515': {
    frequency_hz: 49.98,
    voltage_v: 230.12,
    current_a: 5.123,
    power_w: -1178,
    reactive_power_var: 245,
    apparent_power_va: 1201,
    power_factor: -0.981,
    energy_import_wh: 1_234_560,
    ...rates('energy_import_wh', 600_000, 400_000, 200_000, 34_560),
    reactive_energy_import_varh: 45_670,
    ...rates('reactive_energy_import_varh', 20_000, 15_000, 10_000, 670),
  },
  'orno-we-517': {
    ...phases('voltage_v', 230.1, 231.2, 229.8),
    frequency_hz: 50.02,
    ...phases('current_a', 5.25, 0.75, 12.5),
    power_w: -4321.5,
    ...phases('power_w', -1500.5, 170.25, -2991.25),
    reactive_power_var: 310.5,
    ...phases('reactive_power_var', 100.5, 110, 100),
    apparent_power_va: 4500.25,
    ...phases('apparent_power_va', 1510.75, 180.5, 2809),
    power_factor: 0.96,
    ...phases('power_factor', 0.99, 0.943, -0.998),
    energy_import_wh: 1_234_500,
    ...phases('energy_import_wh', 411_500, 400_000, 423_000),
    energy_export_wh: 98_765_400,
    ...phases('energy_export_wh', 32_921_800, 32_921_800, 32_921_800),
    reactive_energy_import_varh: 89_100,
    ...phases('reactive_energy_import_varh', 29_700, 29_700, 29_700),
    reactive_energy_export_varh: 12_300,
    ...phases('reactive_energy_export_varh', 4_100, 4_100, 4_100),
    ...rates('energy_import_wh', 617_250, 411_500, 150_500, 55_250),
    ...rates('energy_export_wh', 50_000_000, 30_000_000, 18_000_000, 765_400),
    ...rates('reactive_energy_import_varh', 40_000, 30_000, 15_000, 4_100),
    ...rates('reactive_energy_export_varh', 6_000, 4_000, 2_000, 300),
  },
  sdm120: {
    voltage_v: 231.7,
    current_a: 6.512,
    power_w: -1500.25,
    apparent_power_va: 1508.5,
    reactive_power_var: -155.75,
    power_factor: -0.995,
    phase_angle_deg: 174.1,
    frequency_hz: 49.98,
    energy_import_wh: 1_234_500,
    energy_export_wh: 567_890,
    reactive_energy_import_varh: 12_340,
    reactive_energy_export_varh: 5_670,
  },
  sdm630: {
    ...phases('voltage_v', 230.1, 231.2, 229.8),
    ...phases('current_a', 5.25, 0.75, 12.5),
    ...phases('power_w', 1200.5, -170.25, 2871.5),
    ...phases('apparent_power_va', 1210.5, 172.5, 2880),
    ...phases('reactive_power_var', 150.25, -20.5, 222),
    ...phases('power_factor', 0.992, -0.987, 0.997),
    ...phases('phase_angle_deg', 7.1, 189.4, 4.4),
    power_w: 3901.75,
    apparent_power_va: 4263,
    reactive_power_var: 351.75,
    power_factor: 0.915,
    phase_angle_deg: 5.2,
    frequency_hz: 49.99,
    energy_import_wh: 12_345_670,
    energy_export_wh: 2_345_600,
    reactive_energy_import_varh: 345_600,
    reactive_energy_export_varh: 45_600,
    voltage_v_l1_l2: 399.8,
    voltage_v_l2_l3: 400.9,
    voltage_v_l3_l1: 398.7,
    current_a_n: 7.31,
    ...phases('thd_voltage_pct', 1.9, 2.1, 2.3),
    ...phases('thd_current_pct', 8.5, 12.25, 6.75),
    ...phases('energy_import_wh', 4_115_220, 4_115_230, 4_115_220),
    ...phases('energy_export_wh', 781_860, 781_870, 781_870),
    ...phases('reactive_energy_import_varh', 115_200, 115_200, 115_200),
    ...phases('reactive_energy_export_varh', 15_200, 15_200, 15_200),
  },
};

describe.each(MODELS)('model %s', (model) => {
  const rig = new Rig();
  afterEach(() => rig.cleanup());
  const map = registerMap(model);
  const expected = EXPECTED[model] ?? {};

  it('has an expected value for every register of its map', () => {
    expect(Object.keys(expected).sort()).toEqual(map.fields.map((f) => f.value).sort());
  });

  it("reads every value to the unit and sign over RTU, on a PTY at the model's factory settings", async () => {
    const bank = new SlaveBank();
    bank.addUnit(7, map, { values: { main: expected } });
    // no serial settings in the meter config: the model's factory settings apply, and the slave uses them too
    const config = rtuConfig('/placeholder', model, { unit_id: 7 });
    const { pty } = await rig.rtuLine(bank, framingOf(config, map));
    const meter = await rig.meter({ ...config, port: pty.a });
    const now = Date.UTC(2025, 0, 1, 12);
    expect(await meter.read(now)).toEqual([{ channel: 'main', ts: now, values: expected }]);
    expect(bank.requests.length).toBe(meter.readPlan.length);
  });

  it('reads the same values over Modbus TCP', async () => {
    const bank = new SlaveBank();
    bank.addUnit(3, map, { values: { main: expected } });
    const server = await rig.tcpServer(bank);
    const meter = await rig.meter(tcpConfig(server.port, model, { unit_id: 3 }));
    const now = Date.UTC(2025, 0, 1, 12);
    expect(await meter.read(now)).toEqual([{ channel: 'main', ts: now, values: expected }]);
  });
});
