import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { topics } from '@wattbus/contract';
import { toLines } from '@wattbus/sinks';
import {
  type ChromiumProfile,
  chromiumProfile,
  freePort,
  type InfluxdHandle,
  type ProcessHandle,
  REPO_ROOT,
  rollupLines,
  startApp,
  startInfluxd,
  type TempDir,
  tempDir,
} from '@wattbus/testkit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, startOfLocalDay } from '../src/local-day.js';
import { alert, dayRollup, makePasswordFile, publishAs, reading } from './helpers.js';

/**
 * The portal end to end, with every part real: our broker app (Aedes) with a WebSocket listener, secured by
 * a password file from the real mosquitto_passwd and the deployed ACL (deploy/mosquitto/acl); a real
 * influxd seeded in the influx sink's own line protocol; the portal started from its CLI; Debian's Chromium
 * driven by playwright-core.
 */

const DEPLOY_ACL = join(REPO_ROOT, 'deploy/mosquitto/acl');
const SCREENSHOTS = join(REPO_ROOT, 'apps/portal/screenshots');
const USERS = ['dash-martin', 'dash-lena', 'house-12', 'house-13', 'house-14', 'alerter'];

const GROUPS = [
  { id: 'tilleuls', caption: 'Rue des Tilleuls 12', sites: ['house-12', 'house-13'] },
  { id: 'lena', caption: "Lena's house", sites: ['house-14'] },
  // A group across households: each user sees it with only their own sites.
  { id: 'coop', caption: 'Cooperative solar roofs', sites: ['house-12', 'house-14'] },
];

let tmp: TempDir;
let passwords: Record<string, string>;
let broker: ProcessHandle;
let influxd: InfluxdHandle;
let portal: ProcessHandle;
let profile: ChromiumProfile;
let context: BrowserContext;
let mqttUrl: string;
let portalUrl: string;
let seq = 0;
/** Two hours of house-12 at 1-minute intervals on historyDay, and the last hour of house-13, as the sink writes them. */
function seedLines(): string {
  const rows = [];
  for (let i = 0; i <= 120; i++) {
    const ts = historyDay + 10 * 3_600_000 + i * 60_000;
    rows.push(
      reading('house-12', 'main', 'house', 'consumption', 1200, ts, i),
      reading('house-12', 'pv', 'pv', 'production', -800, ts, i),
      reading('house-12', 'main', 'grid', 'grid', 400, ts, i),
    );
  }
  const now = Date.now();
  // the newest a second ago, so a run in the first minutes of a local day still has today's readings
  for (let i = 1; i <= 60; i++)
    rows.push(reading('house-13', 'main', 'house', 'consumption', 600, now - 1000 - (i - 1) * 60_000, i));
  // A glitching meter: left out of the history, and said so under the chart.
  rows.push(reading('house-13', 'garage', 'ev', 'consumption', 1e308, now - 30 * 60_000, 1));
  return toLines(rows);
}

/**
 * Brussels' local midnights of two and three days ago: house-12's daily rollups, and one of house-14. Not yesterday:
 * house-13's readings of the last hour reach into yesterday when the tests run in the first hour of a local day.
 */
const [day1, day2] = [2, 3].map((n) => startOfLocalDay(Date.now(), 'Europe/Brussels', n)) as [number, number];
/**
 * 00:00 UTC of day1's date: house-12's history was measured from 10:00 to 12:00 UTC that day, inside day1 in
 * Brussels (11:00–13:00 or 12:00–14:00), so the day's rollups stand for those readings in the cost table.
 */
const historyDay = Date.parse(`${localDate(day1, 'Europe/Brussels')}T00:00:00Z`);
function seedRollups(): string[] {
  const grid = (site: string, start: number, wh: number, cost: number | null) =>
    dayRollup(
      site,
      'grid',
      'grid',
      start,
      { import_wh: wh, export_wh: 3000 },
      { import: cost, export: 0.3, standing: 0.45 },
    );
  return rollupLines([
    grid('house-12', day1, 8000, 2),
    dayRollup('house-12', 'house', 'consumption', day1, { import_wh: 9000, export_wh: 0 }),
    grid('house-12', day2, 6000, null),
    grid('house-14', day1, 99_000, 50),
  ] as unknown as Record<string, unknown>[]);
}

async function publishPower(
  site: string,
  values: Array<[string, string, 'grid' | 'consumption' | 'production', number]>,
) {
  const ts = Date.now();
  await publishAs(
    mqttUrl,
    site,
    passwords[site] as string,
    values.map(([meter, channel, role, power]) => ({
      topic: topics.reading(site, meter),
      payload: reading(site, meter, channel, role, power, ts, ++seq),
    })),
  );
}

async function publishAlert(site: string, rule: string, state: 'raised' | 'resolved', message: string) {
  await publishAs(mqttUrl, 'alerter', passwords.alerter as string, [
    { topic: topics.alert(site, rule), payload: alert(site, rule, state, message), retain: true },
  ]);
}

async function logIn(page: Page, username: string): Promise<void> {
  await page.goto(portalUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(passwords[username] as string);
  await page.getByRole('button', { name: 'Log in' }).click();
  // Readings are not retained: publish only once the page's own MQTT subscription is in place.
  await page.locator('#live-status[data-state="online"]').waitFor();
}

/** Waits for the page to show a value (readings and answers arrive asynchronously); no time is asserted. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
const text = (page: Page, selector: string) => page.locator(selector).textContent();
const metric = (page: Page, scope: string, name: string) => text(page, `${scope} [data-metric="${name}"]`);

/** fetch() from inside the page: the browser's own cookie, as an attacker with a session would do it. */
const fetchStatus = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);

beforeAll(async () => {
  tmp = await tempDir('wattbus-portal-test-');
  passwords = await makePasswordFile(tmp.path, USERS);
  const [tcp, ws, http] = [await freePort(), await freePort(), await freePort()];
  mqttUrl = `mqtt://127.0.0.1:${tcp}`;
  portalUrl = `http://127.0.0.1:${http}/`;
  [broker, influxd] = await Promise.all([
    startApp('broker', {
      listeners: { tcp: { host: '127.0.0.1', port: tcp }, ws: { host: '127.0.0.1', port: ws, path: '/mqtt' } },
      auth: { allow_anonymous: false, password_file: join(tmp.path, 'passwd'), acl_file: DEPLOY_ACL },
    }),
    startInfluxd(),
  ]);
  await influxd.createDatabase('wattbus');
  await influxd.write('wattbus', [seedLines(), ...seedRollups()], 'ms');
  portal = await startApp('portal', {
    listen: { host: '127.0.0.1', port: http },
    broker: { url: mqttUrl, ws_url: `ws://127.0.0.1:${ws}/mqtt` },
    acl_file: DEPLOY_ACL,
    influx: { url: influxd.url, database: 'wattbus' },
    timezone: 'Europe/Brussels',
    groups: GROUPS,
    session: { secure_cookie: false },
    login: { failure_delay_ms: 0 },
  });
  // Retained alerts published before anyone looks: a raised one for each household, a resolved one.
  await publishAlert('house-12', 'sign', 'raised', 'consumption below -50 W');
  await publishAlert('house-14', 'missing-data', 'raised', 'no reading for 5 minutes');
  await publishAlert('house-13', 'voltage', 'resolved', 'voltage back within 207–253 V');
  profile = await chromiumProfile();
  context = await chromium.launchPersistentContext(profile.userDataDir, {
    executablePath: profile.executablePath,
    args: profile.args,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await profile?.cleanup();
  await portal?.stop();
  await broker?.stop();
  await influxd?.stop();
  await tmp?.cleanup();
});

describe('the portal API without a session', () => {
  it('answers 401 to every data route, and 401 to a wrong password', async () => {
    for (const path of [
      'api/me',
      'api/history?site=house-12&range=24h',
      'api/energy?site=house-12&days=7',
      'api/energy-cost?group=tilleuls&by=month',
      'api/export.csv?site=house-12&from=2026-01-01&to=2026-01-02',
    ]) {
      expect((await fetch(portalUrl + path)).status, path).toBe(401);
    }
    const login = (body: object, type = 'application/json') =>
      fetch(`${portalUrl}api/login`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
    expect((await login({ username: 'dash-martin', password: 'wrong' })).status).toBe(401);
    expect((await login({ username: 'nobody', password: 'x' })).status).toBe(401);
    // A cross-site form cannot send JSON without a preflight: anything else is refused before the broker is asked.
    expect((await login({ username: 'dash-martin', password: passwords['dash-martin'] }, 'text/plain')).status).toBe(
      415,
    );
  });

  it('gives a session cookie (HttpOnly, SameSite=Strict) for the right password; refuses cross-origin POSTs', async () => {
    const body = JSON.stringify({ username: 'dash-lena', password: passwords['dash-lena'] });
    const post = (headers: Record<string, string>) =>
      fetch(`${portalUrl}api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    const res = await post({});
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^wattbus_portal=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const me = await fetch(`${portalUrl}api/me`, { headers: { cookie: cookie.split(';')[0] as string } });
    expect(await me.json()).toMatchObject({
      username: 'dash-lena',
      groups: [{ id: 'lena' }, { id: 'coop', sites: ['house-14'] }],
    });
  });

  it('serves the page with a strict CSP and no referrer', async () => {
    const res = await fetch(portalUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${portalUrl}healthz`)).status).toBe(200);
    expect((await fetch(`${portalUrl}../package.json`)).status).toBe(404);
  });
});

describe('dash-martin (house-12 and house-13)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await context.newPage();
    await logIn(page, 'dash-martin');
  });

  it('sees exactly the groups and sites the ACL lets him read, with their captions', async () => {
    const groups = await page.locator('section.group').evaluateAll((sections) =>
      sections.map((s) => ({
        caption: s.querySelector('.caption')?.textContent,
        sites: [...s.querySelectorAll('[data-site]')].map((c) => (c as HTMLElement).dataset.site),
      })),
    );
    expect(groups).toEqual([
      { caption: 'Rue des Tilleuls 12', sites: ['house-12', 'house-13'] },
      { caption: 'Cooperative solar roofs', sites: ['house-12'] },
    ]);
    expect(await page.locator('body').textContent()).not.toContain('house-14');
  });

  it('shows live consumption, production, grid and self-consumption as readings arrive', async () => {
    const S12 = '[data-group="tilleuls"] .site[data-site="house-12"]';
    const S13 = '[data-group="tilleuls"] .site[data-site="house-13"]';
    // Importing: 2.5 kW used, 2 kW from the panels, 500 W from the grid; all the production is used at home.
    await publishPower('house-12', [
      ['main', 'house', 'consumption', 2500],
      ['pv', 'pv', 'production', -2000],
      ['main', 'grid', 'grid', 500],
    ]);
    await poll(() => metric(page, S12, 'consumption')).toBe('2.50 kW');
    expect(await metric(page, S12, 'production')).toBe('2.00 kW');
    expect(await metric(page, S12, 'grid')).toBe('500 W import');
    expect(await metric(page, S12, 'ratio')).toBe('100 %');

    // Exporting: 3 kW produced, 2.3 kW used, 700 W exported: (3000 − 700) / 3000 = 77 % self-consumed.
    await publishPower('house-12', [
      ['main', 'house', 'consumption', 2300],
      ['pv', 'pv', 'production', -3000],
      ['main', 'grid', 'grid', -700],
    ]);
    await poll(() => metric(page, S12, 'grid')).toBe('700 W export');
    expect(await metric(page, S12, 'consumption')).toBe('2.30 kW');
    expect(await metric(page, S12, 'production')).toBe('3.00 kW');
    expect(await metric(page, S12, 'ratio')).toBe('77 %');

    // house-13 has a grid meter only: its consumption is the grid import.
    await publishPower('house-13', [['main', 'grid', 'grid', 1000]]);
    await poll(() => metric(page, S13, 'consumption')).toBe('1.00 kW');
    const total = '[data-group-total="tilleuls"]';
    expect(await metric(page, total, 'consumption')).toBe('3.30 kW');
    expect(await metric(page, total, 'production')).toBe('3.00 kW');
    expect(await metric(page, total, 'grid')).toBe('300 W import');
    expect(await metric(page, total, 'ratio')).toBe('77 %');
    // The cooperative group holds house-12 only, for him: its card and total show the same values.
    expect(await metric(page, '[data-group="coop"] .site[data-site="house-12"]', 'ratio')).toBe('77 %');
    expect(await metric(page, '[data-group-total="coop"]', 'consumption')).toBe('2.30 kW');
    // The live chart draws one line per flow.
    expect(await page.locator(`${S12} svg path.line`).count()).toBe(3);
  });

  it("lists his sites' open alerts (retained and live), not resolved ones or other households'", async () => {
    await expect
      .poll(() => page.locator('[data-alert]').evaluateAll((li) => li.map((l) => l.getAttribute('data-alert'))))
      .toEqual(['house-12/sign']);
    expect(await text(page, '[data-alert="house-12/sign"]')).toContain('consumption below -50 W');
    await publishAlert('house-13', 'missing-data', 'raised', 'no reading from main/grid');
    await poll(() => page.locator('[data-alert]').count()).toBe(2);
    expect(await text(page, '[data-alert="house-13/missing-data"]')).toContain('no reading from main/grid');
    await publishAlert('house-13', 'missing-data', 'resolved', 'readings are back');
    await poll(() => page.locator('[data-alert]').count()).toBe(1);
  });

  it('shows history and energy per day from InfluxDB', async () => {
    await page.locator('#history-site').selectOption('house-12');
    await page.getByRole('button', { name: '7 days' }).click();
    const avg = (role: string) => text(page, `#history-power tr[data-role="${role}"] td:nth-child(2)`);
    await poll(() => avg('consumption')).toBe('1.20 kW');
    expect(await avg('production')).toBe('800 W');
    expect(await avg('grid')).toBe('400 W import');
    // 10:00–12:00 UTC is 11:00–13:00 (or 12:00–14:00) in Brussels: the same calendar day.
    const day = new Date(historyDay).toISOString().slice(0, 10);
    const energy = () =>
      page.locator(`#history-energy tr[data-day="${day}"] td`).evaluateAll((tds) => tds.map((td) => td.textContent));
    // 2 h at 1.2 kW, 0.8 kW and 0.4 kW.
    await poll(energy).toEqual(['2.40 kWh', '1.60 kWh', '0.80 kWh']);
    // The day is Brussels' (timezone in the config): it starts at local midnight, not at 00:00 UTC.
    const answer: { days: Array<{ day: string; start: number }> } = await page.evaluate(async () =>
      (await fetch('/api/energy?site=house-12&days=7')).json(),
    );
    expect(answer.days.map((d) => [d.day, d.start])).toEqual([
      [day, startOfLocalDay(historyDay + 12 * 3_600_000, 'Europe/Brussels')],
    ]);
    expect(answer.days[0]?.start).not.toBe(historyDay);

    await page.locator('#history-site').selectOption('house-13');
    await page.getByRole('button', { name: '24 h' }).click();
    await poll(() => avg('consumption')).toBe('600 W');
    const leftOut = '1 reading of an absurd power (1 GW or more) left out';
    expect(await text(page, '#history-power .note')).toBe(leftOut);
    await poll(() => text(page, '#history-energy .note')).toBe(leftOut);
    await page.locator('#history-site').selectOption('house-12');
    await page.getByRole('button', { name: '7 days' }).click();
    await poll(() => avg('consumption')).toBe('1.20 kW');
    expect(await page.locator('#history .note').count()).toBe(0);
  });

  it('shows energy and cost per day and month from the rollups, for a site and for a group', async () => {
    const cells = (period: string) =>
      page
        .locator(`#history-cost tr[data-period="${period}"] td`)
        .evaluateAll((tds) => tds.map((td) => td.textContent));
    const [d1, d2] = [localDate(day1, 'Europe/Brussels'), localDate(day2, 'Europe/Brussels')];
    expect(await page.locator('#cost-scope option').allTextContents()).toEqual([
      'house-12',
      'house-13',
      'Group: Rue des Tilleuls 12',
      'Group: Cooperative solar roofs',
    ]);
    await page.locator('#cost-scope').selectOption('site:house-12');
    // grid import, grid export, consumption, cost (import − export + standing: 2 − 0.30 + 0.45)
    await poll(() => cells(d1)).toEqual(['8.00 kWh', '3.00 kWh', '9.00 kWh', '€2.15']);
    expect(await cells(d2)).toEqual(['6.00 kWh', '3.00 kWh', '0.00 kWh', '–']); // no import price that day
    expect(await text(page, '#history-cost .cost-note')).toMatch(/^Cost unknown for 1 day /);

    await page.getByRole('button', { name: 'Per month' }).click();
    const months = [...new Set([d2, d1].map((d) => d.slice(0, 7)))];
    await poll(() =>
      page.locator('#history-cost tr[data-period]').evaluateAll((r) => r.map((e) => e.getAttribute('data-period'))),
    ).toEqual(months);
    if (months.length === 1) expect((await cells(months[0] as string))[0]).toBe('14.0 kWh');

    // The group: house-12's rollups and house-13's readings of the last hour (today, cost unknown).
    await page.getByRole('button', { name: 'Per day' }).click();
    await page.locator('#cost-scope').selectOption({ label: 'Group: Rue des Tilleuls 12' });
    const today = localDate(Date.now(), 'Europe/Brussels');
    await poll(() => page.locator(`#history-cost tr[data-period="${today}"]`).getAttribute('data-source')).toBe(
      'readings',
    );
    expect((await cells(today))[3]).toBe('–');
    expect(await cells(d1)).toEqual(['8.00 kWh', '3.00 kWh', '9.00 kWh', '€2.15']);
    expect(await page.locator('#history-cost').textContent()).not.toContain('99.0');
  });

  it('downloads the readings of his site and days as CSV (streamed from InfluxDB, times in Brussels)', async () => {
    await page.locator('#history-site').selectOption('house-12');
    const day = new Date(historyDay).toISOString().slice(0, 10);
    await page.locator('#download-from').fill(day);
    await page.locator('#download-to').fill(day);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`house-12_${day}.csv`);
    const text = await readFile((await download.path()) as string, 'utf8');
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(header).toBe('time,ts_ms,site,meter,channel,role,seq,quantity,value,labels');
    // 121 minutes × 3 channels, one value each, and nothing of house-13
    expect(lines).toHaveLength(363);
    const rows = lines.map((l) => l.split(','));
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['house-12']));
    const byChannel = (channel: string) => rows.filter((r) => r[4] === channel).map((r) => Number(r[8]));
    expect(new Set(byChannel('house'))).toEqual(new Set([1200]));
    expect(new Set(byChannel('pv'))).toEqual(new Set([-800]));
    expect(byChannel('grid')).toHaveLength(121);
    for (const r of rows) {
      expect(Date.parse(r[0] as string)).toBe(Number(r[1]));
      expect(r[0]).toMatch(/\+0[12]:00$/);
    }
    const first = Math.min(...rows.map((r) => Number(r[1])));
    expect(first).toBe(historyDay + 10 * 3_600_000);
  });

  it('looks right on a desktop and on a phone (screenshots)', async () => {
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // The history charts are drawn again at the phone's width.
    await page.waitForFunction(() => {
      const svgs = [...document.querySelectorAll<SVGSVGElement>('#history svg')];
      return svgs.length === 2 && svgs.every((svg) => svg.viewBox.baseVal.width < 390);
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('ends the session at logout', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login-view').waitFor();
    expect(await fetchStatus(page, '/api/me')).toBe(401);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });
});

describe("dash-lena (house-14) and dash-martin's sites", () => {
  let page: Page;
  beforeAll(async () => {
    await context.clearCookies();
    page = await context.newPage();
    await logIn(page, 'dash-lena');
  });

  it('does not list them on the page', async () => {
    const captions = await page.locator('section.group .caption').allTextContents();
    expect(captions).toEqual(["Lena's house", 'Cooperative solar roofs']);
    expect(await page.locator('[data-site]').evaluateAll((c) => c.map((e) => e.getAttribute('data-site')))).toEqual([
      'house-14',
      'house-14',
    ]);
    const body = await page.locator('body').textContent();
    expect(body).not.toContain('house-12');
    expect(body).not.toContain('house-13');
    await expect
      .poll(() => page.locator('[data-alert]').evaluateAll((li) => li.map((l) => l.getAttribute('data-alert'))))
      .toEqual(['house-14/missing-data']);
    expect(await page.locator('#history-site option').allTextContents()).toEqual(['house-14']);
  });

  it('refuses them through the API (403), and checks the site id (400), with her session', async () => {
    expect(await fetchStatus(page, '/api/history?site=house-14&range=24h')).toBe(200);
    // the page draws the chart's time axis and gaps from what the API says its range and buckets are
    const answer = await page.evaluate(async () => (await fetch('/api/history?site=house-14&range=7d')).json());
    expect(answer).toMatchObject({ range: '7d', bucket: '30m', span_ms: 7 * 86_400_000, bucket_ms: 30 * 60_000 });
    expect(await fetchStatus(page, '/api/history?site=house-12&range=24h')).toBe(403);
    expect(await fetchStatus(page, '/api/energy?site=house-13&days=7')).toBe(403);
    const day = new Date(historyDay).toISOString().slice(0, 10);
    expect(await fetchStatus(page, `/api/export.csv?site=house-14&from=${day}&to=${day}`)).toBe(200);
    expect(await fetchStatus(page, `/api/export.csv?site=house-12&from=${day}&to=${day}`)).toBe(403);
    expect(await fetchStatus(page, `/api/export.csv?site=house-14&from=${day}&to=2020-01-01`)).toBe(400);
    expect(await fetchStatus(page, '/api/export.csv?site=house-14&from=2020-01-01&to=2026-01-01')).toBe(400);
    expect(await fetchStatus(page, `/api/history?site=${encodeURIComponent("house-14' OR site='house-12")}`)).toBe(400);
    expect(await fetchStatus(page, '/api/history?site=house-14&range=1y')).toBe(400);
    expect(await fetchStatus(page, '/api/energy?site=house-14&days=1000')).toBe(400);
    expect(await fetchStatus(page, '/api/energy-cost?site=house-14&by=month')).toBe(200);
    expect(await fetchStatus(page, '/api/energy-cost?site=house-12')).toBe(403);
    expect(await fetchStatus(page, '/api/energy-cost?group=tilleuls')).toBe(403);
    const coop = await page.evaluate(async () => (await fetch('/api/energy-cost?group=coop')).json());
    expect(coop.sites).toEqual(['house-14']);
    expect(JSON.stringify(coop)).not.toContain('8000');
    const me: { groups: Array<{ sites: string[] }> } = await page.evaluate(async () => (await fetch('/api/me')).json());
    expect(me.groups.flatMap((g: { sites: string[] }) => g.sites)).toEqual(['house-14', 'house-14']);
  });
});

describe('failed logins', () => {
  it('lock the address out after max_failures: then even the right password is refused (429)', async () => {
    const login = (password: string) =>
      fetch(`${portalUrl}api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'house-13', password }),
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await login('wrong')).status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await login(passwords['house-13'] as string)).status).toBe(429);
  });
});
