import type { ChannelValues } from '@wattbus/simulators/modbus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeterReadError } from '../src/driver.js';
import type { ModbusMeter } from '../src/modbus/driver.js';
import { registerMap } from '../src/modbus/models.js';
import { F9600_8E1, F9600_8N1, Rig, readError, rtuConfig, SlaveBank } from './modbus-helpers.js';

const rig = new Rig();
afterEach(() => rig.cleanup());

/** A grid and a PV meter (SDM120s, units 1 and 2) on one line; faults are injected into the PV meter. */
describe('faults on a shared line', () => {
  let bank: SlaveBank;
  let grid: ModbusMeter;
  let pv: ModbusMeter;
  let pvValues: ChannelValues;
  let gridValues: ChannelValues;

  beforeEach(async () => {
    bank = new SlaveBank();
    gridValues = bank.addUnit(1, registerMap('sdm120'));
    pvValues = bank.addUnit(2, registerMap('sdm120'));
    const { pty } = await rig.rtuLine(bank, F9600_8N1);
    const line = { baud: 9600, parity: 'none', stop_bits: 1, timeout_ms: 400 } as const;
    grid = await rig.meter(rtuConfig(pty.a, 'sdm120', { ...line, unit_id: 1 }), 'grid');
    pv = await rig.meter(rtuConfig(pty.a, 'sdm120', { ...line, unit_id: 2 }), 'pv');
  });

  /** One poll of both meters, as the agent does it: concurrently, each failing on its own. */
  async function cycle(now: number) {
    const [g, p] = await Promise.allSettled([grid.read(now), pv.read(now)]);
    expect(g.status, 'the grid meter keeps reading').toBe('fulfilled');
    expect(g.status === 'fulfilled' && g.value[0]?.values).toEqual(gridValues.main);
    return p;
  }

  async function expectPvFailure(pattern: RegExp) {
    const result = await cycle(1000);
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as MeterReadError;
    expect(error).toBeInstanceOf(MeterReadError);
    expect(error.meterId).toBe('pv');
    expect(error.message).toMatch(pattern);
  }

  async function expectPvRecovered() {
    const result = await cycle(2000);
    expect(result.status).toBe('fulfilled');
    expect(result.status === 'fulfilled' && result.value).toEqual([
      { channel: 'main', ts: 2000, values: pvValues.main },
    ]);
  }

  it('no answer: a timeout naming the meter, the line, the unit and the registers', async () => {
    bank.setFault(2, 'silent');
    await expectPvFailure(
      /^meter pv: modbus .*\/A unit 2: no answer within 400 ms reading input registers 0x0000-0x0025$/,
    );
    bank.setFault(2, 'none');
    await expectPvRecovered();
  });

  it('bad CRC', async () => {
    bank.setFault(2, 'bad-crc');
    await expectPvFailure(
      /^meter pv: modbus .*\/A unit 2: CRC error in the answer reading input registers 0x0000-0x0025$/,
    );
    bank.setFault(2, 'none');
    await expectPvRecovered();
  });

  it.each([4, 2, -2])('an answer whose byte count is off by %i: malformed, naming the meter and unit', async (off) => {
    bank.setFault(2, { byteCountOff: off });
    await expectPvFailure(
      /^meter pv: modbus .*\/A unit 2: malformed answer reading input registers 0x0000-0x0025: its byte count does not match its data$/,
    );
    bank.setFault(2, 'none');
    await expectPvRecovered();
  });

  it('an exception answer, with the exception code and its meaning', async () => {
    bank.setFault(2, { exception: 4 });
    await expectPvFailure(
      /^meter pv: modbus .*\/A unit 2: exception 4 \(server device failure\) reading input registers/,
    );
    bank.setFault(2, { exception: 6 });
    await expectPvFailure(/exception 6 \(server device busy\)/);
    bank.setFault(2, 'none');
    await expectPvRecovered();
  });

  it('a meter missing from the bus', async () => {
    bank.removeUnit(2);
    await expectPvFailure(/^meter pv: .* unit 2: no answer within 400 ms/);
    await expectPvFailure(/no answer/);
    bank.addUnit(2, registerMap('sdm120'), { values: pvValues });
    await expectPvRecovered();
  });
});

describe('a meter that refuses requests spanning registers it does not have', () => {
  it('splits the request by itself and keeps the smaller plan', async () => {
    const map = registerMap('orno-we-515');
    const bank = new SlaveBank();
    const values = bank.addUnit(1, map, { strict: true });
    const { pty } = await rig.rtuLine(bank, F9600_8E1);
    const meter = await rig.meter(rtuConfig(pty.a, 'orno-we-515', { timeout_ms: 400 }));
    expect(meter.readPlan).toHaveLength(3);

    expect((await meter.read(1))[0]?.values).toEqual(values.main);
    expect(meter.readPlan).toHaveLength(8);
    const before = bank.requests.length;
    expect((await meter.read(2))[0]?.values).toEqual(values.main);
    expect(bank.requests.length - before).toBe(8);
  });

  it('still fails, naming the registers, when a mapped register itself is refused', async () => {
    const bank = new SlaveBank();
    bank.addUnit(1, registerMap('orno-we-515'), { strict: true, values: { main: { voltage_v: 230 } } });
    const { pty } = await rig.rtuLine(bank, F9600_8E1);
    const meter = await rig.meter(rtuConfig(pty.a, 'orno-we-515', { timeout_ms: 400 }), 'hp');
    const err = await readError(meter);
    expect(err.message).toMatch(
      /^meter hp: .* unit 1: exception 2 \(illegal data address\) reading holding registers 0x0130-0x0131$/,
    );
  });
});
