// The page: log in, show the user's groups and sites, live values, alerts and history.
import { api } from './api.js';
import { formatTime } from './format.js';
import { showEnergy, showPowerHistory } from './history.js';
import { LiveView } from './live.js';

// The browser's MQTT connection needs the password, so it is kept in sessionStorage: it lives as long as
// the tab, is not sent anywhere but to the broker, and is gone at logout or when the tab closes. The
// portal's session cookie is HttpOnly and never readable here.
const CREDENTIALS = 'wattbus-portal-credentials';

const $ = (id) => document.getElementById(id);
let live = null;

function storedCredentials(username) {
  try {
    const c = JSON.parse(sessionStorage.getItem(CREDENTIALS) ?? 'null');
    return c?.username === username && typeof c.password === 'string' ? c : null;
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

function renderGroups(groups) {
  const groupTpl = $('group-template');
  const siteTpl = $('site-template');
  $('groups').replaceChildren(
    ...groups.map((g) => {
      const section = groupTpl.content.firstElementChild.cloneNode(true);
      section.dataset.group = g.id;
      section.querySelector('.caption').textContent = g.caption;
      section.querySelector('.total').dataset.groupTotal = g.id;
      section.querySelector('.total h3').textContent = g.sites.length > 1 ? 'All sites together' : 'Total';
      section.querySelector('.sites').append(
        ...g.sites.map((s) => {
          const card = siteTpl.content.firstElementChild.cloneNode(true);
          card.dataset.site = s;
          card.querySelector('.site-name').textContent = s;
          return card;
        }),
      );
      return section;
    }),
  );
}

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

function setupHistory(groups) {
  const sites = [...new Set(groups.flatMap((g) => g.sites))];
  const select = $('history-site');
  select.replaceChildren(...sites.map((s) => new Option(s, s)));
  let range = '24h';
  const refresh = () => {
    void showPowerHistory(select.value, range, $('history-power'));
    void showEnergy(select.value, 7, $('history-energy'));
  };
  select.onchange = refresh;
  // Charts are drawn at their shown size: draw them again when the width changes (phone turned, window resized).
  let width = window.innerWidth;
  let timer;
  window.onresize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (window.innerWidth === width || sites.length === 0) return;
      width = window.innerWidth;
      refresh();
    }, 250);
  };
  for (const button of document.querySelectorAll('[data-range]')) {
    button.onclick = () => {
      range = button.dataset.range;
      for (const b of document.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(b === button));
      void showPowerHistory(select.value, range, $('history-power'));
    };
  }
  if (sites.length > 0) refresh();
}

function showDashboard(me, credentials) {
  $('login-view').hidden = true;
  $('account').hidden = false;
  $('whoami').textContent = me.username;
  $('dashboard').hidden = false;
  renderGroups(me.groups);
  renderAlerts([]);
  setupHistory(me.groups);
  live?.close();
  live = new LiveView(me, credentials, renderAlerts);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  $('login-error').textContent = '';
  try {
    const me = await api.login(username, password);
    sessionStorage.setItem(CREDENTIALS, JSON.stringify({ username, password }));
    $('password').value = '';
    showDashboard(me, { username, password });
  } catch (err) {
    $('login-error').textContent = err.status === 401 ? 'Wrong username or password.' : err.message;
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
