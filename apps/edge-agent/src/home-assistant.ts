import { type Info, parseValueName, QUANTITIES, type QuantityName, topics } from '@wattbus/contract';
import type { DriverChannel } from '@wattbus/meters';

/** Home Assistant's sensor device classes and units for the contract's quantities. */
const HA_SENSOR: Partial<Record<QuantityName, { device_class: string; unit: string | null }>> = {
  power: { device_class: 'power', unit: 'W' },
  reactive_power: { device_class: 'reactive_power', unit: 'var' },
  apparent_power: { device_class: 'apparent_power', unit: 'VA' },
  power_factor: { device_class: 'power_factor', unit: null },
  voltage: { device_class: 'voltage', unit: 'V' },
  current: { device_class: 'current', unit: 'A' },
  frequency: { device_class: 'frequency', unit: 'Hz' },
  energy_import: { device_class: 'energy', unit: 'Wh' },
  energy_export: { device_class: 'energy', unit: 'Wh' },
  reactive_energy_import: { device_class: 'reactive_energy', unit: 'varh' },
  reactive_energy_export: { device_class: 'reactive_energy', unit: 'varh' },
  temperature: { device_class: 'temperature', unit: '°C' },
};

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * Home Assistant MQTT discovery: one retained sensor config per (meter, channel, value), reading its state
 * from the contract's reading topic. All channels of a meter share that topic, so each sensor's template
 * keeps its last state when a reading of another channel arrives.
 */
export function discoveryMessages(
  info: Info,
  channelValues: (meter: string, channel: string) => DriverChannel['values'],
  prefix: string,
): DiscoveryMessage[] {
  const out: DiscoveryMessage[] = [];
  for (const meter of info.meters) {
    const device = {
      identifiers: [`wattbus_${info.site}_${meter.id}`],
      name: `${info.name ?? info.site} ${meter.id}`,
      manufacturer: 'wattbus',
      model: meter.driver,
    };
    for (const channel of meter.channels) {
      for (const value of channelValues(meter.id, channel.id)) {
        const parsed = parseValueName(value);
        const sensor = parsed && HA_SENSOR[parsed.quantity];
        if (!parsed || !sensor) continue;
        const uid = `wattbus_${info.site}_${meter.id}_${channel.id}_${value}`.replace(/-/g, '_');
        out.push({
          topic: `${prefix}/sensor/${uid}/config`,
          payload: {
            name: [channel.id, QUANTITIES[parsed.quantity].label.toLowerCase(), parsed.phase, parsed.rate]
              .filter(Boolean)
              .map((part, i) => (i > 1 ? (part as string).toUpperCase() : part))
              .join(' '),
            unique_id: uid,
            object_id: uid,
            device,
            device_class: sensor.device_class,
            ...(sensor.unit !== null && { unit_of_measurement: sensor.unit }),
            state_class: QUANTITIES[parsed.quantity].kind === 'counter' ? 'total_increasing' : 'measurement',
            state_topic: topics.reading(info.site, meter.id),
            value_template: `{% if value_json.channel == '${channel.id}' and '${value}' in value_json['values'] %}{{ value_json['values']['${value}'] }}{% else %}{{ this.state }}{% endif %}`,
            availability_topic: topics.status(info.site),
            availability_template: "{{ 'online' if value_json.state == 'online' else 'offline' }}",
          },
        });
      }
    }
  }
  return out;
}
