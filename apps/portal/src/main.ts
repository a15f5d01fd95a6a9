#!/usr/bin/env node
import { ConfigError, runApp } from '@wattbus/config';
import { invalidCidrs } from './client-address.js';
import { PortalConfigSchema } from './config.js';
import { isTimeZone } from './local-day.js';
import { startPortal } from './portal.js';

await runApp({
  name: 'wattbus-portal',
  summary: 'The household web portal: live and past consumption, production and alerts of your own sites.',
  schema: PortalConfigSchema,
  check: (config, file) => {
    const problems = invalidCidrs(config.login.trusted_proxies).map((cidr) => ({
      path: 'login.trusted_proxies',
      message: `not an address or CIDR: "${cidr}"`,
    }));
    if (!isTimeZone(config.timezone)) {
      problems.push({ path: 'timezone', message: `unknown time zone "${config.timezone}"` });
    }
    if (problems.length > 0) throw new ConfigError(file, problems);
  },
  start: (config, log) => startPortal(config, log),
});
