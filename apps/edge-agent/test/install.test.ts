import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, requireBinary } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';

const INSTALL = join(REPO_ROOT, 'deploy/pi/install.sh');
const UNIT = join(REPO_ROOT, 'deploy/systemd/wattbus-agent.service');

const run = (...args: string[]) => spawnSync('bash', [INSTALL, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('deploy/pi/install.sh', () => {
  it('is shellcheck-clean', () => {
    const result = spawnSync(
      requireBinary('shellcheck'),
      [INSTALL, join(REPO_ROOT, 'deploy/dev/ensure-system-deps.sh')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    ['aarch64', 'arm64'],
    ['armv7l', 'armv7l'],
  ])('--dry-run on %s prints every step in order and changes nothing', (arch, nodeArch) => {
    const result = run(
      '--config',
      'deploy/examples/agent.yaml',
      '--env-file',
      'deploy/examples/agent.yaml',
      '--arch',
      arch,
      '--dry-run',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const steps = result.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect(steps).toEqual([
      `==> Node.js 20 (linux-${nodeArch})`,
      '==> User wattbus (system user, in the dialout group for serial adapters)',
      `==> Agent from ${REPO_ROOT} into /opt/wattbus/agent`,
      '==> Config in /etc/wattbus',
      '==> systemd service',
      '==> Done',
    ]);
    for (const command of [
      '--filter @wattbus/edge-agent deploy --prod --legacy /opt/wattbus/agent',
      'install -m 0640 -o root -g wattbus deploy/examples/agent.yaml /etc/wattbus/agent.yaml',
      '/etc/wattbus/agent.env',
      '--check-config',
      'systemctl enable wattbus-agent.service',
      'systemctl restart wattbus-agent.service',
    ]) {
      expect(result.stdout.replaceAll('\\ ', ' ')).toContain(command);
    }
  });

  it('refuses a missing config, an unknown option and an unsupported machine, with a reason', () => {
    expect(run('--dry-run').stderr).toMatch(/--config FILE is required/);
    expect(run('--config', 'nope.yaml', '--dry-run').stderr).toMatch(/config file not found: nope.yaml/);
    expect(run('--bogus').stderr).toMatch(/unknown option: --bogus/);
    const mips = run('--config', 'deploy/examples/agent.yaml', '--arch', 'mips', '--dry-run');
    expect(mips.status).toBe(1);
    expect(mips.stderr).toMatch(/unsupported machine mips/);
  });
});

describe('deploy/systemd/wattbus-agent.service', () => {
  const unit = readFileSync(UNIT, 'utf8');
  const settings = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1] as string, [...(settings.get(m[1] as string) ?? []), m[2] as string]);
  }
  const one = (key: string) => settings.get(key)?.join(' ');

  it('restarts forever as an unprivileged user that may open serial adapters', () => {
    expect(one('Restart')).toBe('always');
    expect(one('User')).toBe('wattbus');
    expect(one('SupplementaryGroups')).toBe('dialout');
    expect(one('ExecStart')).toMatch(
      /^\/usr\/local\/bin\/node (--[a-z-]+(=\d+)? )*\/opt\/wattbus\/agent\/dist\/main\.js --config \/etc\/wattbus\/agent\.yaml$/,
    );
    expect(one('StateDirectory')).toBe('wattbus-agent'); // the agent's default state_dir, /var/lib/wattbus-agent
  });

  it('is hardened', () => {
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['DevicePolicy', 'closed'],
      ['CapabilityBoundingSet', ''],
    ]) {
      expect(one(key as string), key).toBe(value);
    }
    expect(settings.get('DeviceAllow')).toContain('char-ttyUSB rw');
  });
});
