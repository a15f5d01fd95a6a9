import { afterEach, describe, expect, it } from 'vitest';
import { runningProcessCount, startProcess, stopAllProcesses } from './process.js';

const node = process.execPath;

afterEach(async () => {
  await stopAllProcesses();
});

describe('startProcess', () => {
  it('waits for readyWhen on stderr, captures output, and returns the exit code on stop()', async () => {
    const script = `
      process.stdout.write('booting\\n');
      setTimeout(() => process.stderr.write('READY on 1234\\n'), 100);
      process.on('SIGTERM', () => { process.stdout.write('bye\\n'); process.exit(7); });
      setInterval(() => {}, 1000);
    `;
    const before = runningProcessCount();
    const p = await startProcess(node, ['-e', script], { readyWhen: /READY on \d+/ });
    expect(p.output()).toBe('booting\nREADY on 1234\n');
    expect(p.proc.pid).toBeGreaterThan(0);
    expect(runningProcessCount()).toBe(before + 1);
    expect(await p.stop()).toBe(7);
    expect(p.output()).toContain('bye');
    expect(runningProcessCount()).toBe(before);
    expect(await p.stop()).toBe(7); // stopping again just reports the exit code
  });

  it('passes env and cwd', async () => {
    const p = await startProcess(node, ['-e', 'console.log(process.env.TESTKIT_X + " " + process.cwd())'], {
      env: { TESTKIT_X: 'hello' },
      cwd: '/tmp',
      readyWhen: /hello/,
    });
    expect(await p.exited).toBe(0);
    expect(p.output()).toBe('hello /tmp\n');
  });

  it('rejects with the output when the process exits before it is ready', async () => {
    await expect(
      startProcess(node, ['-e', 'console.error("config broken: line 3"); process.exit(3)'], {
        readyWhen: /never printed/,
      }),
    ).rejects.toThrow(/exited \(code 3\) before becoming ready[\s\S]*config broken: line 3/);
  });

  it('rejects with the output and kills the process when readiness times out', async () => {
    const before = runningProcessCount();
    await expect(
      startProcess(node, ['-e', 'console.log("still starting"); setInterval(() => {}, 1000)'], {
        readyWhen: /never printed/,
        readyTimeoutMs: 300,
      }),
    ).rejects.toThrow(/timed out after 300ms[\s\S]*still starting/);
    expect(runningProcessCount()).toBe(before);
  });

  it('rejects clearly when the command does not exist', async () => {
    await expect(startProcess('/nonexistent/binary')).rejects.toThrow(
      /failed to start \/nonexistent\/binary: .*ENOENT/,
    );
  });

  it('escalates to SIGKILL when the process ignores the stop signal', async () => {
    const p = await startProcess(
      node,
      ['-e', 'process.on("SIGTERM", () => console.log("ignored")); console.log("up"); setInterval(() => {}, 1000)'],
      { readyWhen: /up/ },
    );
    const started = Date.now();
    expect(await p.stop('SIGTERM', 300)).toBeNull();
    expect(p.proc.signalCode).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(3_000);
    await p.waitForOutput(/ignored/, 1_000);
  });

  it('kill9() kills immediately', async () => {
    const p = await startProcess(node, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
      readyWhen: /up/,
    });
    await p.kill9();
    expect(p.proc.signalCode).toBe('SIGKILL');
  });
});
