import { interFrameGapMs } from '@wattbus/meter-wire/modbus';
import { plausibleValues } from '@wattbus/simulators/modbus';
import { afterEach, describe, expect, it } from 'vitest';
import { MeterReadError } from '../src/driver.js';
import { sharedBuses } from '../src/modbus/bus.js';
import { ModbusMeter } from '../src/modbus/driver.js';
import { registerMap } from '../src/modbus/models.js';
import { F9600_8E1, F9600_8N1, Rig, rtuConfig, SlaveBank } from './modbus-helpers.js';

const rig = new Rig();
afterEach(() => rig.cleanup());

describe('two meters on one RS-485 line', () => {
  it('share the port: both read correctly, one request on the wire at a time, gaps kept', async () => {
    const bank = new SlaveBank();
    const grid = bank.addUnit(1, registerMap('orno-we-517'));
    const heatPump = bank.addUnit(2, registerMap('orno-we-515'));
    // the simulator takes as long as a real 9600-baud line, so overlapping requests would be seen
    const { pty, slave } = await rig.rtuLine(bank, F9600_8E1, { lineTiming: true });
    const a = await rig.meter(rtuConfig(pty.a, 'orno-we-517', { unit_id: 1, channel_names: { main: 'grid' } }), 'grid');
    const b = await rig.meter(rtuConfig(pty.a, 'orno-we-515', { unit_id: 2 }), 'heat-pump');
    expect(sharedBuses.openKeys.filter((k) => k === pty.a)).toHaveLength(1);

    for (let cycle = 0; cycle < 3; cycle++) {
      const now = Date.UTC(2025, 0, 1) + cycle * 1000;
      const [ra, rb] = await Promise.all([a.read(now), b.read(now)]);
      expect(ra).toEqual([{ channel: 'grid', ts: now, values: grid.main }]);
      expect(rb).toEqual([{ channel: 'main', ts: now, values: heatPump.main }]);
    }
    expect(bank.requestsFor(1)).toHaveLength(3 * a.readPlan.length);
    expect(bank.requestsFor(2)).toHaveLength(3 * b.readPlan.length);
    // both meters' requests interleave on the line, yet none was sent while an answer was due
    const units = bank.requests.map((r) => r.unit);
    expect(units.slice(0, 4)).toEqual([1, 2, 1, 2]);
    expect(slave.overlaps).toBe(0);
    expect(slave.minSilenceMs).toBeGreaterThanOrEqual(interFrameGapMs(F9600_8E1));

    await a.close();
    expect(sharedBuses.openKeys).toContain(pty.a);
    expect(await b.read(Date.now())).toHaveLength(1);
    await b.close();
    expect(sharedBuses.openKeys).not.toContain(pty.a);
  });

  it('refuses a second meter with other serial settings on the same port, naming both', async () => {
    const bank = new SlaveBank();
    bank.addUnit(1, registerMap('sdm630'));
    const { pty } = await rig.rtuLine(bank, F9600_8N1);
    await rig.meter(rtuConfig(pty.a, 'sdm630'), 'grid');
    const err = await rig.meter(rtuConfig(pty.a, 'sdm120', { unit_id: 2 }), 'pv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterReadError);
    expect((err as MeterReadError).message).toMatch(
      /^meter pv: modbus .*\/A: already open with 9600 8N1, .* this meter asks for 2400 8N1/,
    );
  });

  it('refuses a second meter with the same unit id on the line, naming the first', async () => {
    const bank = new SlaveBank();
    bank.addUnit(1, registerMap('sdm630'));
    const { pty } = await rig.rtuLine(bank, F9600_8N1);
    await rig.meter(rtuConfig(pty.a, 'sdm630'), 'grid');
    const err = await rig.meter(rtuConfig(pty.a, 'sdm630'), 'grid-copy').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^meter grid-copy: modbus .*\/A: unit 1 is already read by meter grid$/);
  });

  it('a meter on a port that does not exist fails to open with the path, and can be retried', async () => {
    const meter = new ModbusMeter(
      rtuConfig('/nonexistent/ttyUSB9', 'sdm120'),
      { meterId: 'lost' },
      registerMap('sdm120'),
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await meter.open().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeterReadError);
      expect((err as Error).message).toMatch(/^meter lost: modbus \/nonexistent\/ttyUSB9: cannot open: /);
    }
    expect(sharedBuses.openKeys).not.toContain('/nonexistent/ttyUSB9');
  });
});

describe('coalescing', () => {
  it('reads an SDM630 in 4 requests instead of 53, with the same values', async () => {
    const map = registerMap('sdm630');
    const bank = new SlaveBank();
    const values = bank.addUnit(1, map);
    bank.addUnit(2, map, { values });
    const { pty } = await rig.rtuLine(bank, F9600_8N1);
    const oneByOne = await rig.meter(rtuConfig(pty.a, 'sdm630', { coalesce: false }), 'plain');
    const joined = await rig.meter(rtuConfig(pty.a, 'sdm630', { unit_id: 2 }), 'joined');

    const before = bank.requests.length;
    const plain = await oneByOne.read(1);
    const perCyclePlain = bank.requests.length - before;
    const mid = bank.requests.length;
    const coalesced = await joined.read(1);
    const perCycleJoined = bank.requests.length - mid;

    expect(perCyclePlain).toBe(map.fields.length);
    expect(perCyclePlain).toBe(53);
    expect(perCycleJoined).toBe(4);
    expect(bank.requests.slice(mid).map((r) => [r.fc, r.address, r.count])).toEqual([
      [4, 0x0000, 80],
      [4, 0x00c8, 6],
      [4, 0x00e0, 22],
      [4, 0x015a, 30],
    ]);
    expect(coalesced).toEqual(plain);
    expect(coalesced[0]?.values).toEqual(values.main);
  });

  it('never asks for more than the model allows in one request', async () => {
    const bank = new SlaveBank();
    bank.addUnit(1, registerMap('sdm630'));
    const { pty } = await rig.rtuLine(bank, F9600_8N1);
    const meter = await rig.meter(rtuConfig(pty.a, 'sdm630'));
    await meter.read(1);
    expect(Math.max(...bank.requests.map((r) => r.count))).toBeLessThanOrEqual(80);
    expect(plausibleValues(registerMap('sdm630')).main).toEqual((await meter.read(2))[0]?.values);
  });
});
