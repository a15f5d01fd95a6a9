import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApplianceEstimatesMessage } from '@wattbus/contract';
import {
  type ChromiumProfile,
  chromiumProfile,
  freePort,
  type ProcessHandle,
  REPO_ROOT,
  startApp,
  type TempDir,
  tempDir,
} from '@wattbus/testkit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makePasswordFile, publishAs } from './helpers.js';

/**
 * Appliance estimates in the page and the names a household gives them, end to end: our broker app with a
 * WebSocket listener and the deployed ACL, the portal from its CLI, Debian's Chromium. dash-martin may see
 * house-12 and house-13, not house-14.
 */

const DEPLOY_ACL = join(REPO_ROOT, 'deploy/mosquitto/acl');
// The publisher of the estimates, as wattbus-insights would be; the deployed ACL has no user for it yet.
const INSIGHTS_USER = '\nuser insights\ntopic write wattbus/v1/+/insights/appliances\n';

let tmp: TempDir;
let passwords: Record<string, string>;
let broker: ProcessHandle;
let portal: ProcessHandle;
let profile: ChromiumProfile;
let context: BrowserContext;
let page: Page;
let portalUrl: string;

function estimates(site: string, appliances: Array<[string, number, number]>): ApplianceEstimatesMessage {
  return {
    v: 1,
    site,
    ts: Date.now(),
    status: 'ok',
    observed_s: 7 * 86_400,
    appliances: appliances.map(([signature, step_w, energy_wh_per_day]) => ({
      signature,
      step_w,
      duration_s: 180,
      runs_per_day: 4,
      energy_wh_per_day,
    })),
  };
}

beforeAll(async () => {
  tmp = await tempDir('wattbus-portal-appliances-');
  passwords = await makePasswordFile(tmp.path, ['dash-martin', 'insights']);
  const acl = join(tmp.path, 'acl');
  await writeFile(acl, (await readFile(DEPLOY_ACL, 'utf8')) + INSIGHTS_USER);
  const [tcp, ws, http] = [await freePort(), await freePort(), await freePort()];
  const mqttUrl = `mqtt://127.0.0.1:${tcp}`;
  portalUrl = `http://127.0.0.1:${http}/`;
  broker = await startApp('broker', {
    listeners: { tcp: { host: '127.0.0.1', port: tcp }, ws: { host: '127.0.0.1', port: ws, path: '/mqtt' } },
    auth: { allow_anonymous: false, password_file: join(tmp.path, 'passwd'), acl_file: acl },
  });
  portal = await startApp('portal', {
    listen: { host: '127.0.0.1', port: http },
    broker: { url: mqttUrl, ws_url: `ws://127.0.0.1:${ws}/mqtt` },
    acl_file: DEPLOY_ACL,
    influx: { url: 'http://127.0.0.1:1', database: 'wattbus' },
    data_dir: join(tmp.path, 'data'),
    groups: [
      { id: 'tilleuls', caption: 'Rue des Tilleuls 12', sites: ['house-12', 'house-13'] },
      { id: 'lena', caption: "Lena's house", sites: ['house-14'] },
    ],
    session: { secure_cookie: false },
    login: { failure_delay_ms: 0 },
  });
  await publishAs(mqttUrl, 'insights', passwords.insights as string, [
    {
      topic: 'wattbus/v1/house-12/insights/appliances',
      payload: estimates('house-12', [
        ['s2000-180', 2000, 1200],
        ['s150-3600', 150, 540],
      ]),
      retain: true,
    },
    {
      topic: 'wattbus/v1/house-14/insights/appliances',
      payload: estimates('house-14', [['s900-60', 900, 60]]),
      retain: true,
    },
  ]);
  profile = await chromiumProfile();
  context = await chromium.launchPersistentContext(profile.userDataDir, {
    executablePath: profile.executablePath,
    args: profile.args,
    headless: true,
  });
  page = await context.newPage();
  await page.goto(portalUrl);
  await page.getByLabel('Username').fill('dash-martin');
  await page.getByLabel('Password').fill(passwords['dash-martin'] as string);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#live-status[data-state="online"]').waitFor();
}, 90_000);

afterAll(async () => {
  await context?.close();
  await profile?.cleanup();
  await portal?.stop();
  await broker?.stop();
  await tmp?.cleanup();
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
const SITE12 = '[data-appliance-site="house-12"]';
const rows = () =>
  page
    .locator(`${SITE12} li`)
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.appliance-name')?.textContent,
        li.textContent?.includes('1.20 kWh per day'),
      ]),
    );
/** The API called from inside the page, with the browser's own session, as an attacker with a session would. */
const call = (method: string, path: string, body?: object) =>
  page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, {
        method: m as string,
        headers: b ? { 'content-type': 'application/json' } : {},
        body: b ? JSON.stringify(b) : undefined,
      });
      return { status: res.status, body: await res.json() };
    },
    [method, path, body] as const,
  );

it("shows the household's appliances with their energy per day, by signature id until named", async () => {
  await poll(rows).toEqual([
    ['s2000-180', true],
    ['s150-3600', false],
  ]);
  expect(await page.locator(`${SITE12} li[data-signature="s150-3600"]`).textContent()).toContain('0.54 kWh per day');
  expect(await page.locator('#appliances').textContent()).not.toContain('house-14');
});

it('keeps the name a household gives a signature, on the server: shown instead of the id after a reload', async () => {
  await page.getByLabel('Name of s2000-180').fill('  Kettle  ');
  await page.locator(`${SITE12} li[data-signature="s2000-180"] button`).click();
  await poll(rows).toEqual([
    ['Kettle', true],
    ['s150-3600', false],
  ]);
  await page.reload();
  await page.locator('#live-status[data-state="online"]').waitFor();
  await poll(rows).toEqual([
    ['Kettle', true],
    ['s150-3600', false],
  ]);
  await page.locator('#appliances').screenshot({ path: join(REPO_ROOT, 'apps/portal/screenshots/appliances.png') });
  const file = join(tmp.path, 'data/appliance-names/house-12.json');
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 's2000-180': 'Kettle' });
  // An empty name takes the name away again.
  expect(await call('PUT', '/api/appliance-names?site=house-12', { signature: 's150-3600', name: 'Fridge' })).toEqual({
    status: 200,
    body: { site: 'house-12', names: { 's2000-180': 'Kettle', 's150-3600': 'Fridge' } },
  });
  expect((await call('PUT', '/api/appliance-names?site=house-12', { signature: 's150-3600', name: '' })).body).toEqual({
    site: 'house-12',
    names: { 's2000-180': 'Kettle' },
  });
});

it("refuses another household's site (403) and names that are too long or hold control characters (400)", async () => {
  expect((await call('GET', '/api/appliance-names?site=house-14')).status).toBe(403);
  expect((await call('PUT', '/api/appliance-names?site=house-14', { signature: 's900-60', name: 'Oven' })).status).toBe(
    403,
  );
  await expect(readFile(join(tmp.path, 'data/appliance-names/house-14.json'))).rejects.toThrow(/ENOENT/);
  const put = (body: object) => call('PUT', '/api/appliance-names?site=house-12', body);
  expect(await put({ signature: 's2000-180', name: 'x'.repeat(65) })).toEqual({
    status: 400,
    body: { error: 'name: at most 64 characters' },
  });
  expect((await put({ signature: 's2000-180', name: 'Kettle\nRoot' })).body).toEqual({
    error: 'name: no control characters',
  });
  expect((await put({ signature: 's2000-180', name: 'Ket\u202Etle' })).status).toBe(400);
  expect((await put({ signature: '../x', name: 'Kettle' })).status).toBe(400);
  expect((await put({ signature: 's2000-180', name: 12 })).status).toBe(400);
  expect((await call('GET', '/api/appliance-names?site=house-12')).body).toEqual({
    site: 'house-12',
    names: { 's2000-180': 'Kettle' },
  });
  expect((await fetch(`${portalUrl}api/appliance-names?site=house-12`)).status).toBe(401);
});
