import type { TObject, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { ModbusConfigSchema, ModbusRtuConfigSchema, ModbusTcpConfigSchema } from './config.js';
import { framingOf, ModbusMeter } from './driver.js';
import { modbusDriver } from './index.js';
import { registerMap } from './models.js';

const withDefaults = (input: unknown) => {
  const value = Value.Clone(input) as { transport?: string };
  const branch = value.transport === 'tcp' ? ModbusTcpConfigSchema : ModbusRtuConfigSchema;
  return Value.Default(branch, value);
};
const valid = (input: unknown) => Value.Check(ModbusConfigSchema, withDefaults(input));

describe('ModbusConfigSchema', () => {
  it('fills in defaults for RTU and TCP', () => {
    expect(withDefaults({ transport: 'rtu', port: '/dev/ttyUSB0', model: 'sdm120' })).toEqual({
      transport: 'rtu',
      port: '/dev/ttyUSB0',
      model: 'sdm120',
      unit_id: 1,
      timeout_ms: 1000,
      coalesce: true,
    });
    expect(withDefaults({ transport: 'tcp', host: 'gw.local', model: 'sdm630', unit_id: 3 })).toMatchObject({
      port: 502,
      unit_id: 3,
    });
  });

  it('accepts a full RTU config', () => {
    expect(
      valid({
        transport: 'rtu',
        port: '/dev/serial/by-id/usb-FTDI-if00-port0',
        baud: 19200,
        parity: 'none',
        stop_bits: 2,
        data_bits: 8,
        inter_frame_ms: 5,
        unit_id: 12,
        model: 'orno-we-517',
        timeout_ms: 300,
        coalesce: false,
        channel_names: { main: 'grid' },
      }),
    ).toBe(true);
  });

  it('rejects what cannot work', () => {
    const rtu = { transport: 'rtu', port: '/dev/ttyUSB0', model: 'sdm120' };
    const bad = [
      { ...rtu, model: 'sdm12' },
      { ...rtu, parity: 'mark' },
      { ...rtu, stop_bits: 1.5 },
      { ...rtu, unit_id: 248 },
      { ...rtu, unit_id: 0 },
      { transport: 'tcp', host: 'gw', model: 'sdm120', unit_id: 256 },
      { ...rtu, port: 502 },
      { ...rtu, host: 'x' },
      { ...rtu, channel_names: { main: 'Grid!' } },
      { transport: 'tcp', host: 'gw', model: 'sdm120', port: '/dev/ttyUSB0' },
      { transport: 'udp', host: 'gw', model: 'sdm120' },
      { port: '/dev/ttyUSB0', model: 'sdm120' },
    ];
    for (const input of bad) expect(valid(input), JSON.stringify(input)).toBe(false);
  });

  it('documents every field', () => {
    for (const schema of [ModbusRtuConfigSchema, ModbusTcpConfigSchema] as TObject[]) {
      for (const [key, field] of Object.entries(schema.properties as Record<string, TSchema>)) {
        expect(field.description, key).toBeTruthy();
      }
    }
  });
});

describe('modbusDriver', () => {
  it('is registered under its name with its schema', () => {
    expect(modbusDriver.name).toBe('modbus');
    expect(modbusDriver.configSchema).toBe(ModbusConfigSchema);
    expect(drivers.modbus).toBe(modbusDriver);
  });

  it('creates a meter without I/O, with the map channels renamed', () => {
    const meter = modbusDriver.create(
      withDefaults({ transport: 'rtu', port: '/nonexistent/tty', model: 'sdm120', channel_names: { main: 'grid' } }),
      { meterId: 'm' },
    );
    expect(meter.channels.map((c) => c.id)).toEqual(['grid']);
    expect(meter.channels[0]?.values).toContain('energy_export_wh');
    // 2 requests at the SDM120's factory 2400 8N1
    expect(meter.minIntervalMs).toBeGreaterThan(400);
  });

  it('refuses to rename a channel the model does not have', () => {
    const config = withDefaults({
      transport: 'tcp',
      host: 'h',
      model: 'sdm630',
      channel_names: { pv: 'production' },
    }) as never;
    expect(() => new ModbusMeter(config, { meterId: 'm' }, registerMap('sdm630'))).toThrow(
      /channel_names: model sdm630 has no channel "pv" \(it has: main\)/,
    );
  });

  it("takes serial settings from the config, else from the model's factory settings", () => {
    const config = withDefaults({ transport: 'rtu', port: '/x', model: 'sdm120', baud: 9600 }) as never;
    expect(framingOf(config, registerMap('sdm120'))).toEqual({
      baud: 9600,
      parity: 'none',
      data_bits: 8,
      stop_bits: 1,
    });
    expect(
      framingOf(
        withDefaults({ transport: 'rtu', port: '/x', model: 'orno-we-515' }) as never,
        registerMap('orno-we-515'),
      ),
    ).toEqual({ baud: 9600, parity: 'even', data_bits: 8, stop_bits: 1 });
  });
});
