import type { Info } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { discoveryMessages } from './home-assistant.js';

const info: Info = {
  v: 1,
  site: 'house-12',
  ts: 1763800000000,
  name: 'House 12',
  meters: [{ id: 'main', driver: 'simulated', interval_ms: 1000, channels: [{ id: 'grid', role: 'grid' }] }],
};

describe('Home Assistant discovery', () => {
  const messages = discoveryMessages(
    info,
    () => ['power_w', 'energy_import_wh', 'voltage_v_l1', 'power_factor'],
    'homeassistant',
  );

  it('announces one sensor per value with the right device class, unit and state class', () => {
    expect(messages.map((m) => m.topic)).toEqual([
      'homeassistant/sensor/wattbus_house_12_main_grid_power_w/config',
      'homeassistant/sensor/wattbus_house_12_main_grid_energy_import_wh/config',
      'homeassistant/sensor/wattbus_house_12_main_grid_voltage_v_l1/config',
      'homeassistant/sensor/wattbus_house_12_main_grid_power_factor/config',
    ]);
    const pick = (i: number) => {
      const p = messages[i]?.payload ?? {};
      return [p.device_class, p.unit_of_measurement, p.state_class, p.name];
    };
    expect(pick(0)).toEqual(['power', 'W', 'measurement', 'grid active power']);
    expect(pick(1)).toEqual(['energy', 'Wh', 'total_increasing', 'grid energy imported']);
    expect(pick(2)).toEqual(['voltage', 'V', 'measurement', 'grid voltage L1']);
    expect(pick(3)).toEqual(['power_factor', undefined, 'measurement', 'grid power factor']);
  });

  it("names a tariff rate's index apart from the total", () => {
    const [rate] = discoveryMessages(info, () => ['energy_import_wh_hc'], 'homeassistant');
    expect(rate?.payload.name).toBe('grid energy imported HC');
    expect(rate?.payload.state_class).toBe('total_increasing');
  });

  it('reads the state from the reading topic, for its own channel only, and availability from status', () => {
    const p = messages[0]?.payload ?? {};
    expect(p.state_topic).toBe('wattbus/v1/house-12/main/reading');
    expect(p.value_template).toBe(
      "{% if value_json.channel == 'grid' and 'power_w' in value_json['values'] %}{{ value_json['values']['power_w'] }}{% else %}{{ this.state }}{% endif %}",
    );
    expect(p.availability_topic).toBe('wattbus/v1/house-12/status');
    expect(p.device).toEqual({
      identifiers: ['wattbus_house-12_main'],
      name: 'House 12 main',
      manufacturer: 'wattbus',
      model: 'simulated',
    });
  });
});
