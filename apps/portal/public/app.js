// The page: log in, show the user's groups and sites, live values, alerts and history.
import { ApiError, api } from './api.js';
import { AppliancesView } from './appliances.js';
import { byId, fromTemplate, query, queryAll } from './dom.js';
import { formatTime } from './format.js';
import { showEnergy, showEnergyCost, showPowerHistory } from './history.js';
import { LiveView } from './live.js';

/** @import { Group, Me } from './api.js' */
/** @import { Credentials } from './live.js' */
/** @import { Alert } from './model.js' */

// The browser's MQTT connection needs the password, so it is kept in sessionStorage: it lives as long as
// the tab, is not sent anywhere but to the broker, and is gone at logout or when the tab closes. The
// portal's session cookie is HttpOnly and never readable here.
const CREDENTIALS = 'wattbus-portal-credentials';

/** The page's element with this id, of any kind. @param {string} id */
const $ = (id) => byId(id, HTMLElement);
/** @type {LiveView | null} */
let live = null;

/** @param {string} username @returns {Credentials | null} */
function storedCredentials(username) {
  try {
    /** @type {unknown} */
    const c = JSON.parse(sessionStorage.getItem(CREDENTIALS) ?? 'null');
    if (typeof c !== 'object' || c === null || !('username' in c) || !('password' in c)) return null;
    return c.username === username && typeof c.password === 'string' ? { username, password: c.password } : null;
  } catch {
    return null;
  }
}

function showLogin(message = '') {
  live?.close();
  live = null;
  $('dashboard').hidden = true;
  $('account').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message;
}

/** @param {Group[]} groups */
function renderGroups(groups) {
  const groupTpl = byId('group-template', HTMLTemplateElement);
  const siteTpl = byId('site-template', HTMLTemplateElement);
  $('groups').replaceChildren(
    ...groups.map((g) => {
      const section = fromTemplate(groupTpl);
      section.dataset.group = g.id;
      query(section, '.caption', HTMLElement).textContent = g.caption;
      query(section, '.total', HTMLElement).dataset.groupTotal = g.id;
      query(section, '.total h3', HTMLElement).textContent = g.sites.length > 1 ? 'All sites together' : 'Total';
      query(section, '.sites', HTMLElement).append(
        ...g.sites.map((s) => {
          const card = fromTemplate(siteTpl);
          card.dataset.site = s;
          query(card, '.site-name', HTMLElement).textContent = s;
          return card;
        }),
      );
      return section;
    }),
  );
}

/** @param {Alert[]} alerts */
function renderAlerts(alerts) {
  const list = $('alert-list');
  list.replaceChildren(
    ...alerts
      .sort((a, b) => a.site.localeCompare(b.site) || a.rule.localeCompare(b.rule))
      .map((a) => {
        const li = document.createElement('li');
        li.className = `alert severity-${a.severity}`;
        li.dataset.alert = `${a.site}/${a.rule}`;
        const title = document.createElement('strong');
        title.textContent = `${a.site} · ${a.rule} (${a.severity})`;
        const text = document.createElement('span');
        const subjects = a.open.map((o) => o.subject).join(', ');
        text.textContent = ` ${a.message}${subjects ? ` — ${subjects}` : ''}${a.ts ? ` — since ${formatTime(a.ts)}` : ''}`;
        li.append(title, text);
        return li;
      }),
  );
  $('no-alerts').hidden = alerts.length > 0;
}

/**
 * The CSV download of the site chosen for the history: the browser fetches /api/export.csv itself (a file
 * download), the server checks the site and streams it. The last 7 days are proposed.
 * @param {HTMLSelectElement} select
 */
function setupDownload(select) {
  const day = (/** @type {Date} */ d) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const today = new Date();
  byId('download-to', HTMLInputElement).value = day(today);
  byId('download-from', HTMLInputElement).value = day(
    new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6),
  );
  byId('download-site', HTMLInputElement).value = select.value;
  byId('download', HTMLFormElement).hidden = select.options.length === 0;
}

/** @param {Group[]} groups */
function setupHistory(groups) {
  const sites = [...new Set(groups.flatMap((g) => g.sites))];
  const select = byId('history-site', HTMLSelectElement);
  select.replaceChildren(...sites.map((s) => new Option(s, s)));
  let range = '24h';
  setupDownload(select);
  const refresh = () => {
    byId('download-site', HTMLInputElement).value = select.value;
    void showPowerHistory(select.value, range, $('history-power'));
    void showEnergy(select.value, 7, $('history-energy'));
  };
  select.onchange = refresh;
  // Charts are drawn at their shown size: draw them again when the width changes (phone turned, window resized).
  let width = window.innerWidth;
  /** @type {number | undefined} */
  let timer;
  window.onresize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (window.innerWidth === width || sites.length === 0) return;
      width = window.innerWidth;
      refresh();
    }, 250);
  };
  const buttons = queryAll(document, '[data-range]', HTMLButtonElement);
  for (const button of buttons) {
    button.onclick = () => {
      range = button.dataset.range ?? range;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
      void showPowerHistory(select.value, range, $('history-power'));
    };
  }
  if (sites.length > 0) refresh();
}

/**
 * Energy and cost of one of the user's sites or groups, per day or month.
 * @param {Group[]} groups
 */
function setupEnergyCost(groups) {
  const select = byId('cost-scope', HTMLSelectElement);
  const sites = [...new Set(groups.flatMap((g) => g.sites))];
  select.replaceChildren(
    ...sites.map((s) => new Option(s, `site:${s}`)),
    ...groups.filter((g) => g.sites.length > 0).map((g) => new Option(`Group: ${g.caption}`, `group:${g.id}`)),
  );
  /** @type {'day' | 'month'} */
  let by = 'day';
  const refresh = () => {
    const [kind, id = ''] = select.value.split(/:(.*)/);
    void showEnergyCost(kind === 'group' ? { group: id } : { site: id }, by, $('history-cost'));
  };
  select.onchange = refresh;
  const buttons = queryAll(document, '[data-by]', HTMLButtonElement);
  for (const button of buttons) {
    button.onclick = () => {
      by = button.dataset.by === 'month' ? 'month' : 'day';
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
      refresh();
    };
  }
  if (select.options.length > 0) refresh();
}

/** @param {Me} me @param {Credentials} credentials */
function showDashboard(me, credentials) {
  $('login-view').hidden = true;
  $('account').hidden = false;
  $('whoami').textContent = me.username;
  $('dashboard').hidden = false;
  renderGroups(me.groups);
  renderAlerts([]);
  setupHistory(me.groups);
  setupEnergyCost(me.groups);
  const appliances = new AppliancesView($('appliance-list'), [...new Set(me.groups.flatMap((g) => g.sites))]);
  live?.close();
  live = new LiveView(me, credentials, renderAlerts, (estimates) => appliances.show(estimates));
}

/** What the form says when a login fails. @param {unknown} err */
function loginError(err) {
  if (err instanceof ApiError && err.status === 401) return 'Wrong username or password.';
  return err instanceof Error ? err.message : String(err);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = byId('username', HTMLInputElement).value.trim();
  const password = byId('password', HTMLInputElement).value;
  $('login-error').textContent = '';
  try {
    const me = await api.login(username, password);
    sessionStorage.setItem(CREDENTIALS, JSON.stringify({ username, password }));
    byId('password', HTMLInputElement).value = '';
    showDashboard(me, { username, password });
  } catch (err) {
    $('login-error').textContent = loginError(err);
  }
});

$('logout').addEventListener('click', async () => {
  sessionStorage.removeItem(CREDENTIALS);
  await api.logout().catch(() => undefined);
  showLogin();
});

try {
  const me = await api.me();
  const credentials = storedCredentials(me.username);
  if (credentials === null) showLogin();
  else showDashboard(me, credentials);
} catch {
  showLogin();
}
