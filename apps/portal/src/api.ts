import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSiteId } from '@wattbus/contract';
import type { Logger } from 'pino';
import { type ApplianceNames, nameProblem } from './appliance-names.js';
import type { BrokerLogin } from './broker-login.js';
import { BUSY, type CheckBudget } from './check-budget.js';
import type { TrustedProxies } from './client-address.js';
import type { InfluxConfig } from './config.js';
import { downloadRange, streamCsv } from './csv-download.js';
import { type By, energyCost } from './energy-cost.js';
import {
  energyOutlierQuery,
  energyPerDayQuery,
  energyPerDaySinceQuery,
  isRange,
  MAX_DAYS,
  powerHistoryQuery,
  powerOutlierQuery,
  RANGES,
  rollupDaysQuery,
} from './history-queries.js';
import { cookieOf, HttpError, readJson, sendJson, sessionCookie } from './http-util.js';
import type { InfluxClient, SeriesByRole } from './influx-client.js';
import { localDate, startOfLocalDay, startOfLocalMonth } from './local-day.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Rights } from './rights.js';
import type { Session, Sessions } from './sessions.js';

export interface ApiDeps {
  sessions: Sessions;
  rights: Rights;
  applianceNames: ApplianceNames;
  login: BrokerLogin;
  throttle: LoginThrottle;
  brokerChecks: CheckBudget;
  proxies: TrustedProxies;
  influx: InfluxClient;
  /** Where the CSV download reads the readings (the same InfluxDB as the history). */
  influxConfig: InfluxConfig;
  log: Logger;
  wsUrl: string;
  ttlS: number;
  secureCookie: boolean;
  failureDelayMs: number;
  timeZone: string;
}

const USERNAME = /^[^\s\0+#/]{1,128}$/u;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryAfter = (ms: number) => ({ 'retry-after': String(Math.ceil(ms / 1000)) });

/** Readings left out for an absurd power, per role, from an outlier count query's answer. */
function leftOut(counts: SeriesByRole | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(counts ?? {}).map(([role, points]) => [role, points[0]?.[1] ?? 0]));
}

/** The JSON API. Every data route checks the session and the user's right to the site on the server. */
export class Api {
  constructor(private readonly d: ApiDeps) {}

  private session(req: IncomingMessage): Session {
    const session = this.d.sessions.get(cookieOf(req));
    if (session === undefined) throw new HttpError(401, 'not logged in');
    return session;
  }

  /** The `site` query parameter, valid and visible to the user, or 400/403. */
  private async site(session: Session, params: URLSearchParams): Promise<string> {
    const site = params.get('site');
    if (!isSiteId(site)) throw new HttpError(400, 'site: expected a site id');
    if (!(await this.d.rights.canSee(session.username, site))) {
      this.d.log.warn({ user: session.username, site }, 'site refused');
      throw new HttpError(403, 'no access to this site');
    }
    return site;
  }

  async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as { username?: unknown; password?: unknown } | null;
    const username = body?.username;
    const password = body?.password;
    if (typeof username !== 'string' || !USERNAME.test(username) || typeof password !== 'string') {
      throw new HttpError(400, 'expected {"username": "...", "password": "..."}');
    }
    const address = this.d.proxies.clientAddress(req);
    const who = { user: username, address };
    const attempt = this.d.throttle.begin(username, address);
    if (typeof attempt === 'number') {
      this.d.log.debug(who, 'login refused while locked out');
      throw new HttpError(429, 'too many failed logins; try again later', retryAfter(attempt));
    }
    let result: Awaited<ReturnType<BrokerLogin['check']>> | typeof BUSY;
    try {
      result = await this.d.brokerChecks.run(() => this.d.login.check(username, password));
    } catch (err) {
      attempt.abandoned();
      throw err;
    }
    if (result === BUSY) {
      attempt.abandoned();
      // One line when the queue overflows, not one per refused login of a flood.
      if (this.d.brokerChecks.refusedInARow === 1) this.d.log.warn(who, 'too many logins at once: refusing (503)');
      throw new HttpError(503, 'too many logins right now; try again in a moment', retryAfter(1000));
    }
    if (result === 'unavailable') {
      attempt.abandoned();
      throw new HttpError(503, 'the broker cannot be reached; try again later');
    }
    if (result === 'refused') {
      const lockouts = attempt.failed();
      this.d.log.warn(who, 'login refused');
      for (const { key, waitMs } of lockouts) {
        this.d.log.warn({ ...who, key, wait_s: Math.ceil(waitMs / 1000) }, 'login locked out');
      }
      await sleep(this.d.failureDelayMs);
      throw new HttpError(401, 'wrong username or password');
    }
    attempt.succeeded();
    const session = this.d.sessions.create(username);
    this.d.log.info({ user: username, address }, 'logged in');
    sendJson(res, 200, await this.describe(session), {
      'set-cookie': sessionCookie(session.id, this.d.ttlS, this.d.secureCookie),
    });
  }

  async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await readJson(req);
    this.d.sessions.delete(cookieOf(req));
    sendJson(res, 200, { ok: true }, { 'set-cookie': sessionCookie('', 0, this.d.secureCookie) });
  }

  async me(req: IncomingMessage, res: ServerResponse): Promise<void> {
    sendJson(res, 200, await this.describe(this.session(req)));
  }

  private async describe(session: Session) {
    return {
      username: session.username,
      expires: session.expires,
      ws_url: this.d.wsUrl,
      groups: await this.d.rights.groupsOf(session.username),
    };
  }

  async history(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const session = this.session(req);
    const site = await this.site(session, params);
    const range = params.get('range') ?? '24h';
    if (!isRange(range)) throw new HttpError(400, `range: expected one of ${Object.keys(RANGES).join(', ')}`);
    const [series = {}, outliers] = await this.d.influx.seriesByRole(
      powerHistoryQuery(site, range),
      powerOutlierQuery(site, range),
    );
    const { bucket, span_ms, bucket_ms } = RANGES[range];
    sendJson(res, 200, { site, range, bucket, span_ms, bucket_ms, unit: 'W', series, left_out: leftOut(outliers) });
  }

  async energy(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const session = this.session(req);
    const site = await this.site(session, params);
    const daysText = params.get('days') ?? '7';
    const days = /^\d{1,3}$/.test(daysText) ? Number(daysText) : Number.NaN;
    if (!(days >= 1 && days <= MAX_DAYS)) throw new HttpError(400, `days: expected an integer from 1 to ${MAX_DAYS}`);
    const now = Date.now();
    const [series = {}, outliers] = await this.d.influx.seriesByRole(
      energyPerDayQuery(site, days, now, this.d.timeZone),
      energyOutlierQuery(site, days, now, this.d.timeZone),
    );
    const rows = new Map<number, { day: string; start: number } & Record<string, number | string>>();
    for (const [role, points] of Object.entries(series)) {
      for (const [start, wh] of points) {
        const row = rows.get(start) ?? { day: localDate(start, this.d.timeZone), start };
        row[role] = wh;
        rows.set(start, row);
      }
    }
    const sorted = [...rows.values()].sort((a, b) => a.start - b.start);
    sendJson(res, 200, { site, days: sorted, unit: 'Wh', timezone: this.d.timeZone, left_out: leftOut(outliers) });
  }

  /** The `site` or `group` parameter (exactly one) as the sites it covers that the user may see, or 400/403. */
  private async scope(
    session: Session,
    params: URLSearchParams,
  ): Promise<{ site?: string; group?: string; sites: string[] }> {
    const group = params.get('group');
    if (params.has('site') === (group !== null)) throw new HttpError(400, 'expected either site or group');
    if (group === null) {
      const site = await this.site(session, params);
      return { site, sites: [site] };
    }
    // groupsOf lists a group with the user's own sites only: a group he has no site in is not his.
    const visible = (await this.d.rights.groupsOf(session.username)).find((g) => g.id === group);
    if (!visible || visible.sites.length === 0) {
      this.d.log.warn({ user: session.username, group: group.slice(0, 64) }, 'group refused');
      throw new HttpError(403, 'no access to this group');
    }
    return { group, sites: visible.sites };
  }

  /**
   * Energy and cost per local day or month of a site or a group, from the daily rollups; days without rollups
   * from the readings (energy only, cost unknown). `by` day (count 1…MAX_DAYS, default 7) or month (1…12, 3).
   */
  async energyCost(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const session = this.session(req);
    const by = params.get('by') ?? 'day';
    if (by !== 'day' && by !== 'month') throw new HttpError(400, 'by: expected day or month');
    const max = by === 'day' ? MAX_DAYS : 12;
    const countText = params.get('count') ?? (by === 'day' ? '7' : '3');
    const count = /^\d{1,3}$/.test(countText) ? Number(countText) : Number.NaN;
    if (!(count >= 1 && count <= max)) throw new HttpError(400, `count: expected an integer from 1 to ${max}`);
    const { sites, ...scope } = await this.scope(session, params);
    const tz = this.d.timeZone;
    const now = Date.now();
    const start = by === 'day' ? startOfLocalDay(now, tz, count - 1) : startOfLocalMonth(now, tz, count - 1);
    const [[rollups = []], readings] = await Promise.all([
      this.d.influx.series(rollupDaysQuery(sites, start)),
      this.d.influx.seriesByRole(...sites.map((site) => energyPerDaySinceQuery(site, start, tz))),
    ]);
    const bySite = new Map(sites.map((site, i) => [site, readings[i] ?? {}]));
    const { rows, currency } = energyCost(rollups, bySite, by as By, tz);
    sendJson(res, 200, { ...scope, sites, by, timezone: tz, unit: 'Wh', currency, rows });
  }

  /** The names the household gave the site's appliance signatures (signature id → name). */
  async applianceNames(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const site = await this.site(this.session(req), params);
    sendJson(res, 200, { site, names: await this.d.applianceNames.get(site) });
  }

  /** Names one signature of the site (`{"signature", "name"}`; an empty name removes it); answers all names. */
  async nameAppliance(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const session = this.session(req);
    const site = await this.site(session, params);
    const body = (await readJson(req)) as { signature?: unknown; name?: unknown } | null;
    const problem = nameProblem(body?.signature, body?.name);
    if (problem !== undefined) throw new HttpError(400, problem);
    const { signature, name } = body as { signature: string; name: string };
    let names: Awaited<ReturnType<ApplianceNames['set']>>;
    try {
      names = await this.d.applianceNames.set(site, signature, name);
    } catch (err) {
      if (err instanceof RangeError) throw new HttpError(400, err.message);
      throw err;
    }
    this.d.log.info({ user: session.username, site, signature }, 'appliance named');
    sendJson(res, 200, { site, names });
  }

  /** The site's readings over whole local days as a CSV download, streamed; only a site the user may see. */
  async download(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const session = this.session(req);
    const site = await this.site(session, params);
    const range = downloadRange(params.get('from'), params.get('to'), this.d.timeZone);
    await streamCsv(res, site, range, this.d.influxConfig, this.d.timeZone, this.d.log);
  }
}
