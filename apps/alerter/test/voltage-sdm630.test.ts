import type { Reading } from '@wattbus/contract';
import { toReading } from '@wattbus/meters';
import { ModbusMeter, registerMap } from '@wattbus/meters/modbus';
import { SlaveBank, startTcpSlave, type TcpSlave } from '@wattbus/simulators/modbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAt } from './fixtures.js';
import { ruleOf } from './rule-of.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const SDM630 = registerMap('sdm630');

/** An SDM630 simulator on Modbus TCP, read by the real modbus driver, its samples turned into Readings. */
describe('VoltageRule on an SDM630 three-phase meter', () => {
  const bank = new SlaveBank();
  let slave: TcpSlave;
  let meter: ModbusMeter;
  let seq = 0;

  beforeAll(async () => {
    bank.addUnit(1, SDM630);
    slave = await startTcpSlave(bank);
    const config = {
      transport: 'tcp',
      host: slave.host,
      port: slave.port,
      model: 'sdm630',
      unit_id: 1,
      timeout_ms: 1000,
      coalesce: true,
    } as const;
    meter = new ModbusMeter(config, { meterId: 'main' }, SDM630);
    await meter.open();
  });
  afterAll(async () => {
    await meter?.close();
    await slave?.close();
  });

  const read = async (ts: number): Promise<Reading> => {
    const [sample] = await meter.read(ts);
    const r = sample && toReading('house-3p', 'main', { id: 'grid', role: 'grid', sign: 1 }, sample, () => ++seq);
    if (!r) throw new Error('the SDM630 read gave no reading');
    return r;
  };
  /** Reads every 10 s of measurement time for 80 s (past raise_after_s: 60) into a fresh rule. */
  const judge = async () => {
    const rule = ruleOf('voltage');
    for (let ts = T0; ts <= T0 + 80_000; ts += 10_000) rule.onReading?.(await read(ts), ts);
    return rule;
  };

  it('raises nothing for a healthy 230/400 V network, though the meter publishes line-to-line voltages', async () => {
    const r = await read(T0);
    const voltages = Object.entries(r.values).filter(([name]) => name.startsWith('voltage_v'));
    expect(voltages).toEqual([
      ['voltage_v_l1', expect.closeTo(230.1, 3)],
      ['voltage_v_l2', expect.closeTo(231, 3)],
      ['voltage_v_l3', expect.closeTo(231.9, 3)],
      ['voltage_v_l1_l2', expect.closeTo(400.2, 3)],
      ['voltage_v_l2_l3', expect.closeTo(400.2, 3)],
      ['voltage_v_l3_l1', expect.closeTo(400.2, 3)],
    ]);
    expect(openAt(await judge(), 'house-3p')).toEqual([]);
  });

  it('judges line-to-line voltages against √3 × the band (358.5–438.2 V) and phase voltages against 207–253 V', async () => {
    bank.setValues(1, { main: { voltage_v_l2_l3: 445 } });
    const high = await judge();
    expect(openAt(high, 'house-3p')).toEqual([['main/grid', T0, 445]]);
    expect(high.evaluate(0).get('house-3p')?.get('main/grid')?.message).toBe(
      'voltage_v_l2_l3 445 V outside 358.5–438.2 V',
    );

    bank.setValues(1, { main: { voltage_v_l2_l3: 400.25, voltage_v_l3: 203.5 } });
    const low = await judge();
    expect(low.evaluate(0).get('house-3p')?.get('main/grid')?.message).toBe('voltage_v_l3 203.5 V outside 207–253 V');
  });
});
