import { type ProcessHandle, startApp, type WattbusApp, waitFor } from '@wattbus/testkit';

const READY: Partial<Record<WattbusApp, RegExp>> = { portal: /portal listening/ };
const SUBSCRIBED = /"msg":"subscribed"/;
const REFUSED = /not authorized/g;

/**
 * One of our apps as a child process that the suite stops and starts on purpose, and that counts every exit it did
 * not ask for: a consumer that crashed, even if only once and briefly, is a failure.
 */
export class Service {
  /** Exits nobody asked for, each with the end of the process's output. */
  readonly crashes: string[] = [];
  /** Starts that failed (the app did not become ready), with the reason. */
  readonly failedStarts: string[] = [];
  private proc: ProcessHandle | undefined;
  private stopping = false;
  private previousOutput = '';

  constructor(
    readonly name: string,
    private readonly app: WattbusApp,
    private readonly config: object,
  ) {}

  /**
   * Starts it and waits until it is ready (60 s at most: the 2-core machine may be busy), or until the broker refused
   * its login three times. A start that fails is recorded, and the suite goes on to see what else fails.
   */
  async start(): Promise<void> {
    const proc = await startApp(this.app, this.config, { readyWhen: null });
    this.proc = proc;
    this.stopping = false;
    let exited = false;
    void proc.exited.then((code) => {
      exited = true;
      if (!this.stopping) {
        this.crashes.push(
          `${this.name} exited (code ${code}, signal ${proc.proc.signalCode}):\n${proc.output().slice(-3000)}`,
        );
      }
    });
    const ready = READY[this.app] ?? SUBSCRIBED;
    const refused = () => (proc.output().match(REFUSED)?.length ?? 0) >= 3;
    await waitFor(() => exited || ready.test(proc.output()) || refused(), { timeoutMs: 60_000 }).catch(() => {});
    if (!ready.test(proc.output())) {
      const why = exited ? 'exited' : refused() ? 'the broker refused its login' : 'not ready within 60 s';
      this.failedStarts.push(`${this.name} did not start (${why}):\n${proc.output().slice(-2000)}`);
    }
  }

  /** SIGTERM and wait (at most 15 s, then SIGKILL). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.proc) {
      await this.proc.stop('SIGTERM', 15_000);
      this.previousOutput += this.proc.output();
      this.proc = undefined;
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Everything every run of it printed. */
  output(): string {
    return this.previousOutput + (this.proc?.output() ?? '');
  }
}
