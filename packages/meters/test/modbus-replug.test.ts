import { tempDir } from '@wattbus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { registerMap } from '../src/modbus/models.js';
import { F9600_8E1, Rig, readError, rtuConfig, SlaveBank, tcpConfig } from './modbus-helpers.js';

const rig = new Rig();
afterEach(() => rig.cleanup());

describe('the line going away and coming back', () => {
  it('RTU: the adapter unplugged (device path gone) and plugged back, on the same driver instance', async () => {
    const dir = await tempDir('wattbus-modbus-replug-');
    rig.defer(() => dir.cleanup());
    const bank = new SlaveBank();
    const values = bank.addUnit(1, registerMap('orno-we-515'));
    const first = await rig.rtuLine(bank, F9600_8E1, { dir: dir.path });
    const meter = await rig.meter(rtuConfig(first.pty.a, 'orno-we-515', { timeout_ms: 300 }), 'main');
    expect((await meter.read(1))[0]?.values).toEqual(values.main);

    // unplug: socat exits, the PTYs close, the link paths vanish
    await first.pty.stop();
    const whileUnplugged = [await readError(meter), await readError(meter)];
    // the first read may race the port's close event; by the second, the path is known to be gone
    for (const err of whileUnplugged) expect(err.message).toMatch(/^meter main: modbus .*\/A/);
    expect(whileUnplugged[0]?.message).not.toMatch(/object Object/);
    expect(whileUnplugged[1]?.message).toMatch(/: cannot open: No such file or directory, cannot open .*\/A$/);

    // plug back in: a new pair at the same paths
    const second = await rig.rtuLine(bank, F9600_8E1, { dir: dir.path });
    expect(second.pty.a).toBe(first.pty.a);
    expect(await meter.read(2)).toEqual([{ channel: 'main', ts: 2, values: values.main }]);
    expect(await meter.read(3)).toEqual([{ channel: 'main', ts: 3, values: values.main }]);
  });

  it('TCP: the gateway going down and coming back on the same port', async () => {
    const bank = new SlaveBank();
    const values = bank.addUnit(5, registerMap('sdm630'));
    const server = await rig.tcpServer(bank);
    const meter = await rig.meter(tcpConfig(server.port, 'sdm630', { unit_id: 5, timeout_ms: 300 }), 'grid');
    expect((await meter.read(1))[0]?.values).toEqual(values.main);

    await server.close();
    const err = await readError(meter);
    expect(err.message).toMatch(/^meter grid: modbus tcp:\/\/127\.0\.0\.1:\d+/);
    expect((await readError(meter)).message).toMatch(/cannot open: .*ECONNREFUSED/);

    await rig.tcpServer(bank, server.port);
    expect((await meter.read(2))[0]?.values).toEqual(values.main);
  });

  it('TCP: a dropped connection is replaced by the next reads', async () => {
    const bank = new SlaveBank();
    const values = bank.addUnit(1, registerMap('sdm120'));
    const server = await rig.tcpServer(bank);
    const meter = await rig.meter(tcpConfig(server.port, 'sdm120', { timeout_ms: 300 }));
    expect((await meter.read(1))[0]?.values).toEqual(values.main);
    server.dropConnections();
    // the read racing the disconnection may fail; the one after must not
    await meter.read(2).catch(() => {});
    expect((await meter.read(3))[0]?.values).toEqual(values.main);
  });
});
