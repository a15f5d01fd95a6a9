import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const app = join(import.meta.dirname, '..');

async function checkConfig(yaml: string): Promise<{ code: number; out: string }> {
  const dir = await tempDir('wattbus-rollup-config-');
  const file = join(dir.path, 'rollup.yaml');
  await writeFile(file, yaml);
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', '--config', file, '--check-config'],
      { cwd: app, env: { ...process.env, WATTBUS_MQTT_PASSWORD: 'x' } },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(app, 'README.md'), 'utf8'))?.[1] ?? '';

describe('wattbus-rollup --check-config', () => {
  it('accepts the README example', async () => {
    expect(example).toContain('energy:');
    expect(await checkConfig(example)).toMatchObject({ code: 0 });
  });

  it('accepts deploy/examples/rollup.yaml', async () => {
    const { code, out } = await checkConfig(readFileSync(join(REPO_ROOT, 'deploy/examples/rollup.yaml'), 'utf8'));
    expect(out).toMatch(/rollup.yaml.*(ok|valid)/i);
    expect(code).toBe(0);
  });

  it('names the key path of a tariff problem the schema cannot see', async () => {
    const { code, out } = await checkConfig(
      example.replace('Europe/Paris', 'Europe/Pariss').replace('HC: 0.2068', 'HX: 1'),
    );
    expect(code).toBe(2);
    expect(out).toContain('energy.tariffs.paris.timezone: unknown IANA time zone "Europe/Pariss"');
    expect(out).toContain('energy.tariffs.paris.import.fixed: no price for period "HC"');
  });
});
