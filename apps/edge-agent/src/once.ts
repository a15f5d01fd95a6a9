import type { Reading } from '@wattbus/contract';
import type { DriverDefinition } from '@wattbus/meters';
import type { AgentConfig } from './config.js';
import { MeterPoller } from './meter-poller.js';

/**
 * `--once`: reads every meter once, for the installer at the cabinet. Readings carry seq 0 and the agent's
 * persisted seq counters are not touched. Returns the meters that failed, with the reason.
 */
export async function readOnce(
  config: AgentConfig,
  drivers: Record<string, DriverDefinition>,
  emit: (reading: Reading) => void,
): Promise<Array<{ meter: string; error: string }>> {
  const failures: Array<{ meter: string; error: string }> = [];
  await Promise.all(
    config.meters.map(async (meter) => {
      const driver = (drivers[meter.driver] as DriverDefinition).create(meter.config, { meterId: meter.id });
      const poller = new MeterPoller(config.site.id, meter, driver, {
        readings: (list) => {
          for (const r of list) emit(r);
        },
        error: (id, err) => failures.push({ meter: id, error: err.message }),
        nextSeq: () => 0,
      });
      await poller.pollOnce(Date.now());
      await poller.stop();
    }),
  );
  return failures;
}
