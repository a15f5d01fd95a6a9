// The portal's JSON API. The session is an HttpOnly cookie the browser sends by itself.

async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.error ?? `HTTP ${res.status}`), { status: res.status });
  return data;
}

export const api = {
  login: (username, password) => call('POST', '/api/login', { username, password }),
  logout: () => call('POST', '/api/logout', {}),
  me: () => call('GET', '/api/me'),
  history: (site, range) => call('GET', `/api/history?${new URLSearchParams({ site, range })}`),
  energy: (site, days) => call('GET', `/api/energy?${new URLSearchParams({ site, days: String(days) })}`),
};
