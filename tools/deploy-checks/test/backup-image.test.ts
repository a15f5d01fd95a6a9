import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCompose, splitVolume } from '../src/compose.js';
import { type Instruction, parseDockerfile, resolveGlobalArgs } from '../src/dockerfile.js';
import { DEPLOY, ROOT } from '../src/paths.js';

// deploy/backup/Dockerfile cannot be built here (no docker engine): these are its static checks, and those of
// the influx-backup service that runs it.
const text = readFileSync(resolve(DEPLOY, 'backup/Dockerfile'), 'utf8');
const instructions = parseDockerfile(text);
const froms = instructions.filter((i) => i.keyword === 'FROM');
const finalStage = instructions.slice(instructions.lastIndexOf(froms.at(-1) as Instruction));
const service = loadCompose().services['influx-backup'];
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'packages/offsite-backup/package.json'), 'utf8'));
const config = readFileSync(resolve(ROOT, 'packages/offsite-backup/src/config.ts'), 'utf8');

describe('deploy/backup/Dockerfile', () => {
  it("starts from the apps' Node image and the server's InfluxDB image, both pinned", () => {
    const apps = parseDockerfile(readFileSync(resolve(DEPLOY, 'docker/Dockerfile'), 'utf8'));
    const images = froms.map((f) => resolveGlobalArgs(instructions, f.args.split(/\s+/)[0] ?? ''));
    const node = resolveGlobalArgs(apps, '${NODE_IMAGE}');
    expect(images).toEqual([loadCompose().services.influxdb?.image, node, node]);
    expect(text).not.toMatch(/:latest\b/);
  });

  it('takes the influx CLI from the InfluxDB stage and builds wattbus-offsite-backup from the lockfile', () => {
    expect(finalStage.map((i) => `${i.keyword} ${i.args}`)).toContain(
      'COPY --from=influx /usr/local/bin/influx /usr/local/bin/influx',
    );
    const root = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(text).toContain(`ARG PNPM_VERSION=${String(root.packageManager).replace('pnpm@', '')}`);
    expect(text).toContain('pnpm install --offline --frozen-lockfile');
    expect(text).toContain(`pnpm --filter "${pkg.name}..." build`);
    expect(text).toContain(`pnpm --filter "${pkg.name}" deploy --prod --legacy /out`);
    // the command on PATH runs the package's bin
    expect(text).toContain(
      `exec node /opt/wattbus/offsite-backup/${pkg.bin['wattbus-offsite-backup'].replace('./', '')}`,
    );
    expect(text).toContain('COPY deploy/backup/influx-backup.sh /usr/local/bin/influx-backup.sh');
  });

  it('runs the backup script as the unprivileged node user, with no ADD and no download', () => {
    expect(finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args).toBe('node');
    const entrypoint = finalStage.find((i) => i.keyword === 'ENTRYPOINT');
    expect(JSON.parse(entrypoint?.args ?? 'null')).toEqual(['/usr/local/bin/influx-backup.sh']);
    for (const i of instructions) {
      expect(i.keyword, `line ${i.line}`).not.toBe('ADD');
      if (i.keyword === 'RUN') expect(i.args, `line ${i.line}`).not.toMatch(/curl|wget|amd64|arm64|uname/);
    }
  });
});

describe('the influx-backup service', () => {
  it('is built from deploy/backup/Dockerfile with the repository as context', () => {
    expect(service?.build?.dockerfile).toBe('deploy/backup/Dockerfile');
    expect(resolve(DEPLOY, service?.build?.context ?? '')).toBe(ROOT);
    expect(service?.image).toMatch(/^wattbus\/influx-backup:/);
  });

  it('gives the uploader every OFFSITE_* setting it reads, secrets as files from the read-only secrets mount', () => {
    const read = [...new Set([...config.matchAll(/'(OFFSITE_[A-Z0-9_]+)'/g)].map((m) => m[1] as string))];
    expect(read.length).toBeGreaterThan(8);
    const env = service?.environment ?? {};
    // the two optional tuning keys keep their defaults in compose
    const given = read.filter((k) => !['OFFSITE_S3_FORCE_PATH_STYLE', 'OFFSITE_PART_SIZE_MB'].includes(k));
    for (const key of given) expect(Object.keys(env), key).toContain(key);
    const mount = (service?.volumes ?? []).map(splitVolume).find((v) => v.source === './secrets/offsite');
    expect(mount).toEqual({ source: './secrets/offsite', target: '/run/secrets/offsite', mode: 'ro' });
    for (const key of ['OFFSITE_S3_ACCESS_KEY_ID_FILE', 'OFFSITE_S3_SECRET_ACCESS_KEY_FILE']) {
      expect(env[key], key).toMatch(/^\/run\/secrets\/offsite\/[a-z0-9-]+$/);
    }
    const example = readFileSync(resolve(DEPLOY, '.env.example'), 'utf8');
    expect(example).toMatch(/^OFFSITE_ENCRYPTION_KEY_FILE=\/run\/secrets\/offsite\/encryption\.key$/m);
    expect(example).toMatch(/^OFFSITE_S3_BUCKET=$/m); // off until the operator sets a bucket
  });
});
