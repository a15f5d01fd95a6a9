import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Instruction, parseDockerfile, resolveGlobalArgs } from '../src/dockerfile.js';
import { DEPLOY, ROOT } from '../src/paths.js';

// hadolint is not available here (not in Debian 12, not on npm), so this test checks the rules that matter for
// these images itself: pinned bases, multi-stage, unprivileged user, no architecture-specific step.
const text = readFileSync(resolve(DEPLOY, 'docker/Dockerfile'), 'utf8');
const instructions = parseDockerfile(text);
const froms = instructions.filter((i) => i.keyword === 'FROM');
const finalStage: Instruction[] = instructions.slice(instructions.lastIndexOf(froms.at(-1) as Instruction));

describe('deploy/docker/Dockerfile', () => {
  it('is multi-stage, from a pinned node:20 bookworm-slim, never latest', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) {
      const image = resolveGlobalArgs(instructions, f.args.split(/\s+/)[0] ?? '');
      expect(image, `line ${f.line}`).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
    }
    expect(text).not.toMatch(/:latest\b/);
    expect(finalStage.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build '))).toBe(true);
  });

  it('runs as the unprivileged node user, in exec form', () => {
    const users = finalStage.filter((i) => i.keyword === 'USER');
    expect(users.at(-1)?.args).toBe('node');
    const entrypoint = finalStage.find((i) => i.keyword === 'ENTRYPOINT');
    expect(JSON.parse(entrypoint?.args ?? 'null')).toEqual(['node', 'dist/main.js']);
    expect(() => JSON.parse(finalStage.find((i) => i.keyword === 'CMD')?.args ?? '')).not.toThrow();
  });

  it('uses no ADD, no piped installers, no architecture-specific step', () => {
    for (const i of instructions) {
      expect(i.keyword, `line ${i.line}`).not.toBe('ADD');
      if (i.keyword !== 'RUN') continue;
      expect(i.args, `line ${i.line}`).not.toMatch(/curl|wget|\|\s*(ba)?sh/);
      expect(i.args, `line ${i.line}`).not.toMatch(/amd64|arm64|aarch64|x86_64|armv7|uname/);
      if (/apt-get install/.test(i.args)) expect(i.args).toMatch(/--no-install-recommends/);
    }
  });

  it('builds with the pnpm of the repository, from the lockfile, and deploys the app with pnpm deploy', () => {
    const root = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(text).toContain(`ARG PNPM_VERSION=${String(root.packageManager).replace('pnpm@', '')}`);
    expect(text).toContain('pnpm install --offline --frozen-lockfile');
    expect(text).toContain('pnpm --filter "{./apps/${APP}}..." build');
    expect(text).toContain('pnpm --filter "{./apps/${APP}}" deploy --prod --legacy /out');
    const copied = instructions.find((i) => i.keyword === 'COPY' && i.args.includes('pnpm-lock.yaml'));
    for (const f of (copied?.args ?? '').split(/\s+/).slice(0, -1)) {
      expect(() => readFileSync(resolve(ROOT, f)), f).not.toThrow();
    }
  });

  it('uses the Node.js version the Pi installer installs', () => {
    const pi = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(resolve(DEPLOY, 'pi/install.sh'), 'utf8'))?.[1];
    expect(text).toContain(`ARG NODE_IMAGE=node:${pi}-bookworm-slim`);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, git and secrets out of the build context', () => {
    const lines = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.git', '**/.env', 'deploy/secrets', 'deploy/tls']) {
      expect(lines, p).toContain(p);
    }
  });
});
