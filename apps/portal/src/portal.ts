import type { Logger } from 'pino';
import { Api } from './api.js';
import { ApplianceNames } from './appliance-names.js';
import { BrokerLogin } from './broker-login.js';
import { CheckBudget } from './check-budget.js';
import { TrustedProxies } from './client-address.js';
import type { PortalConfig } from './config.js';
import { InfluxClient } from './influx-client.js';
import { LoginThrottle } from './login-throttle.js';
import { Rights } from './rights.js';
import { PortalServer } from './server.js';
import { Sessions } from './sessions.js';
import { loadStaticFiles } from './static-files.js';

/** Wires the portal together, starts listening, and returns how to stop it. */
export async function startPortal(config: PortalConfig, log: Logger): Promise<() => Promise<void>> {
  const rights = new Rights(config.acl_file, config.groups, log);
  await rights.load();
  const { login } = config;
  const api = new Api({
    sessions: new Sessions(config.session.ttl_s * 1000),
    rights,
    applianceNames: new ApplianceNames(config.data_dir),
    login: new BrokerLogin({
      url: config.broker.url,
      connectTimeoutMs: config.broker.connect_timeout_ms,
      ...(config.broker.ca !== undefined && { ca: config.broker.ca }),
      log,
    }),
    throttle: new LoginThrottle({
      maxFailures: login.max_failures,
      maxAddressFailures: login.max_address_failures,
      lockoutMs: login.lockout_s * 1000,
      windowMs: login.window_s * 1000,
    }),
    brokerChecks: new CheckBudget({
      concurrency: login.broker_checks.concurrency,
      perSecond: login.broker_checks.per_second,
      burst: login.broker_checks.burst,
      queue: login.broker_checks.queue,
    }),
    proxies: new TrustedProxies(login.trusted_proxies),
    influx: new InfluxClient(config.influx),
    influxConfig: config.influx,
    log,
    wsUrl: config.broker.ws_url,
    ttlS: config.session.ttl_s,
    secureCookie: config.session.secure_cookie,
    failureDelayMs: login.failure_delay_ms,
    timeZone: config.timezone,
  });
  const server = new PortalServer(api, await loadStaticFiles(), config.broker.ws_url, log);
  const address = await server.listen(config.listen.host, config.listen.port);
  log.info(
    { host: address.address, port: address.port, url: `http://${address.address}:${address.port}/` },
    'portal listening',
  );
  return () => server.close();
}
