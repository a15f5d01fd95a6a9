#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { drivers } from '@wattbus/meters';
import { EdgeAgent } from './agent.js';
import { checkMeters } from './check-meters.js';
import { AgentConfigSchema } from './config.js';
import { readOnce } from './once.js';

await runApp({
  name: 'wattbus-agent',
  summary: 'Reads the meters of one household and publishes their readings over MQTT.',
  schema: AgentConfigSchema,
  flags: {
    once: { type: 'boolean', description: 'read every meter once, print one Reading per line as JSON, exit' },
  },
  check: (config, file) => checkMeters(config, drivers, file),
  start: async (config, log, flags) => {
    if (flags.once) {
      const failures = await readOnce(config, drivers, (r) => process.stdout.write(`${JSON.stringify(r)}\n`));
      for (const f of failures) process.stderr.write(`wattbus-agent: ${f.error}\n`);
      return failures.length === 0 ? 0 : 1;
    }
    const agent = new EdgeAgent(config, drivers, log);
    await agent.start();
    return () => agent.stop();
  },
});
