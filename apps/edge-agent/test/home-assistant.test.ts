import { startApp, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it('publishes retained Home Assistant discovery configs when enabled', async () => {
  const [broker, tmp] = await Promise.all([startMosquitto(), tempDir('wattbus-ha-')]);
  const agent = await startApp('edge-agent', {
    site: { id: 'ha-house', name: 'HA house' },
    mqtt: { url: broker.url },
    state_dir: tmp.path,
    home_assistant: { enabled: true },
    meters: [{ id: 'main', driver: 'simulated', interval_ms: 1000, config: { pv_kwp: 3 } }],
  });
  await waitFor(() => /mqtt connect/.test(agent.output()), { what: 'the agent to connect' });
  // A subscriber arriving later gets them as retained messages, as Home Assistant does after a restart.
  const ha = await mqtt.connectAsync(broker.url, { clientId: 'home-assistant' });
  const configs = new Map<string, Record<string, unknown>>();
  ha.on('message', (topic, payload, packet) => {
    if (packet.retain) configs.set(topic, JSON.parse(payload.toString()));
  });
  await ha.subscribeAsync('homeassistant/sensor/+/config', { qos: 1 });
  // simulated: consumption 2 values, production 2, grid 5
  await waitFor(() => configs.size === 9, { what: '9 sensor configs' });
  const grid = configs.get('homeassistant/sensor/wattbus_ha_house_main_grid_energy_export_wh/config');
  expect(grid).toMatchObject({ device_class: 'energy', unit_of_measurement: 'Wh', state_class: 'total_increasing' });
  expect(await agent.stop()).toBe(0);
  await ha.endAsync();
  await Promise.all([broker.stop(), tmp.cleanup()]);
});
