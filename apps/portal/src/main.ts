#!/usr/bin/env node
import { ConfigError, runApp } from '@wattbus/config';
import { PortalConfigSchema } from './config.js';
import { isTimeZone } from './local-day.js';
import { startPortal } from './portal.js';

await runApp({
  name: 'wattbus-portal',
  summary: 'The household web portal: live and past consumption, production and alerts of your own sites.',
  schema: PortalConfigSchema,
  check: (config, file) => {
    if (!isTimeZone(config.timezone)) {
      throw new ConfigError(file, [{ path: 'timezone', message: `unknown time zone "${config.timezone}"` }]);
    }
  },
  start: (config, log) => startPortal(config, log),
});
