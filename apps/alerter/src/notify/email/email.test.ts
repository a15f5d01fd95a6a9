import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Alert } from '@wattbus/contract';
import { makeTestPki, waitFor } from '@wattbus/testkit';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../../../test/fixtures.js';
import { DIGEST_MAX_CHANGES, DIGEST_MAX_SUBJECTS, Digest, EmailNotifier } from './email.js';

interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  data: string;
}

/** The mail text with quoted-printable soft breaks and escapes undone (enough for these assertions). */
const decodeQuotedPrintable = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function smtpServer(tls?: {
  key: string;
  cert: string;
}): Promise<{ server: SMTPServer; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    ...(tls
      ? { key: readFileSync(tls.key), cert: readFileSync(tls.cert) } // STARTTLS offered, auth only after it
      : { allowInsecureAuth: true, disabledCommands: ['STARTTLS'] }), // plain auth on loopback, for the test only
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerter' && auth.password === 's3cret') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          secure: session.secure,
          data: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        });
        cb();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return { server, port: (server.server.address() as AddressInfo).port, mails };
}

const alert = (site: string, rule: string, state: Alert['state'] = 'raised'): Alert => ({
  v: 1,
  site,
  rule,
  ts: 1_763_800_000_000,
  state,
  severity: 'warning',
  message: `${rule} at ${site}: ${state === 'raised' ? 1 : 0} open`,
  open: state === 'raised' ? [{ subject: 'main/grid', since: 1_763_800_000_000, message: 'no reading' }] : [],
});

let servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  servers = [];
});

const emailConfig = (port: number, digest_s: number, tls: Record<string, unknown> = {}) => {
  const email = config({
    notify: {
      email: {
        smtp: { host: 'localhost', port, username: 'alerter', password: 's3cret', ...tls },
        from: 'alerts@wattbus.example',
        recipients: { default: ['ops@example.org'], sites: { 'house-12': ['ops@example.org', 'family@example.org'] } },
        digest_s,
        retry: { attempts: 2, backoff_ms: 10 },
      },
    },
  }).notify.email;
  if (!email) throw new Error('no email config');
  return email;
};

describe('EmailNotifier', () => {
  it('sends ONE digest mail per recipient for several alerts, authenticated, to the site’s recipients', async () => {
    const { server, port, mails } = await smtpServer();
    servers.push(server);
    const mailer = new EmailNotifier(emailConfig(port, 0.2), pino({ level: 'silent' }));
    mailer.notify(alert('house-12', 'missing-data'));
    mailer.notify(alert('house-12', 'overload'));
    mailer.notify(alert('house-13', 'sign'));
    mailer.notify(alert('house-14', 'pv-night', 'resolved'));
    await waitFor(() => mails.length >= 2, { what: 'two digest mails', timeoutMs: 10_000 });
    await mailer.close();

    expect(mails.map((m) => m.to).sort()).toEqual([['family@example.org'], ['ops@example.org']]);
    const ops = mails.find((m) => m.to[0] === 'ops@example.org');
    const family = mails.find((m) => m.to[0] === 'family@example.org');
    expect(ops?.user).toBe('alerter');
    expect(ops?.from).toBe('alerts@wattbus.example');
    expect(ops?.data).toContain('Subject: [wattbus] 4 alert changes at 3 sites (3 raised, 1 resolved)');
    for (const text of ['house-12 missing-data raised', 'house-12 overload raised', 'house-13 sign raised']) {
      expect(ops?.data).toContain(text);
    }
    expect(ops?.data).toContain('house-14 pv-night resolved');
    expect(family?.data).toContain('Subject: [wattbus] 2 alert changes at 1 site (2 raised, 0 resolved)');
    expect(family?.data).not.toContain('house-13');
    expect(mails).toHaveLength(2);
  });

  it('sends a mass outage as one small mail: the first changes and subjects, and how many more', async () => {
    const { server, port, mails } = await smtpServer();
    servers.push(server);
    const mailer = new EmailNotifier(emailConfig(port, 3600), pino({ level: 'silent' }));
    const subjects = Array.from({ length: 100 }, (_, i) => ({ subject: `m/c-${i}`, since: 0, message: 'no reading' }));
    for (let i = 0; i < 500; i++) {
      mailer.notify({ ...alert(`house-${1000 + i}`, 'missing-data'), open: subjects, open_total: 8000 });
    }
    await mailer.close();

    expect(mails).toHaveLength(1);
    const data = mails[0]?.data ?? '';
    expect(data).toContain('Subject: [wattbus] 500 alert changes at 500 sites (500 raised, 0 resolved)');
    expect(data.match(/ missing-data raised: /g)).toHaveLength(DIGEST_MAX_CHANGES);
    expect(data).toContain(`house-${1000 + DIGEST_MAX_CHANGES - 1} missing-data raised`);
    expect(data).not.toContain(`house-${1000 + DIGEST_MAX_CHANGES} `);
    expect(data.match(/ m\/c-\d+: no reading/g)).toHaveLength(DIGEST_MAX_CHANGES * DIGEST_MAX_SUBJECTS);
    expect(data.match(new RegExp(`\\(and ${8000 - DIGEST_MAX_SUBJECTS} more open\\)`, 'g'))).toHaveLength(
      DIGEST_MAX_CHANGES,
    );
    expect(data).toContain(`(and ${500 - DIGEST_MAX_CHANGES} more changes; the retained alerts`);
    expect(data.length).toBeLessThan(64 * 1024);
  });

  it('requires STARTTLS, verifies the server against the configured CA, then authenticates', async () => {
    const pki = await makeTestPki();
    const { server, port, mails } = await smtpServer(pki.server);
    servers.push(server);
    const mailer = new EmailNotifier(
      emailConfig(port, 3600, { require_tls: true, ca: pki.caFile }),
      pino({ level: 'silent' }),
    );
    mailer.notify(alert('house-13', 'sign'));
    await mailer.close();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ secure: true, user: 'alerter' });

    // A server whose certificate the CA did not sign is refused: nothing is sent.
    const other = await makeTestPki();
    const untrusted = await smtpServer(other.server);
    servers.push(untrusted.server);
    const refused = new EmailNotifier(
      {
        ...emailConfig(untrusted.port, 3600, { require_tls: true, ca: pki.caFile }),
        retry: { attempts: 1, backoff_ms: 1, max_backoff_ms: 1 },
      },
      pino({ level: 'silent' }),
    );
    await expect(refused.send('ops@example.org', Digest.of([alert('house-13', 'sign')]))).rejects.toThrow(
      /certificate/,
    );
    await refused.close();
    expect(untrusted.mails).toHaveLength(0);
    await Promise.all([pki.cleanup(), other.cleanup()]);
  });

  it('close() sends the pending digest at once instead of dropping it', async () => {
    const { server, port, mails } = await smtpServer();
    servers.push(server);
    const mailer = new EmailNotifier(emailConfig(port, 3600), pino({ level: 'silent' }));
    mailer.notify(alert('house-13', 'sign'));
    mailer.notify(alert('house-13', 'overload'));
    await mailer.close();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.data).toContain('Subject: [wattbus] 2 alert changes at 1 site (2 raised, 0 resolved)');
  });
});
