#!/usr/bin/env node
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { childSpecs, writeConfigs } from './configs.js';
import { countDataFiles, fileSizes } from './datafiles.js';
import { HOUSEHOLDS } from './households.js';
import { parseOptions, USAGE } from './options.js';
import { demoPaths } from './paths.js';
import { portIsFree, portTakenMessage } from './port.js';
import { stopLeftovers } from './processes.js';
import { type StopReason, Supervisor } from './supervisor.js';

/** How the children say they are ready (a line of their JSON log). */
const READY = { broker: /broker listening/, sinkWorker: /"msg":"subscribed"/ };

const err = (text: string) => process.stderr.write(`${text}\n`);
const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift(); // `pnpm demo -- --port 1884`
  const parsed = parseOptions(argv);
  if (!parsed.ok) {
    err(`wattbus demo: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { port } = parsed.options;
  const paths = demoPaths();
  for (const dir of [paths.config, paths.logs, paths.data, paths.state]) await mkdir(dir, { recursive: true });

  const leftovers = await stopLeftovers(paths.pids, paths.config);
  if (leftovers.length > 0) err(`wattbus demo: stopped ${leftovers.join(', ')}, left running by an earlier run`);
  if (!(await portIsFree(port))) {
    err(portTakenMessage(port));
    return 1;
  }

  const startedAt = Date.now();
  const before = countDataFiles(paths.data);
  const specs = childSpecs({ port, households: HOUSEHOLDS, paths, env: process.env });
  const configFiles = await writeConfigs(paths, specs);
  const supervisor = new Supervisor(paths);
  let tty = false;
  process.on('exit', () => {
    supervisor.killAllSync();
    if (tty) process.stdout.write('\x1b[?25h'); // show the cursor again
  });
  let firstSignalAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // pnpm and tsx relay the Ctrl-C the terminal already sent us: only a later one means "now".
      firstSignalAt ??= Date.now();
      if (Date.now() - firstSignalAt > 1000) {
        err(`wattbus demo: ${signal} again, killing everything`);
        process.exit(130); // the exit hook SIGKILLs the children
      }
      supervisor.requestStop({ kind: 'signal', signal });
    });
  }

  const start = (which: (s: (typeof specs)[number]) => boolean) =>
    specs.filter(which).map((s) => supervisor.start(s, configFiles.get(s.name) as string));

  // Broker and consumers boot together (the consumers retry every 100 ms until the broker listens); the
  // agents once the sink worker has subscribed, so the files hold every reading from the first one on.
  const consumers = start((s) => s.app !== 'edge-agent');
  // The view's modules (contract validators, mqtt.js) load while the children boot.
  const [{ createState }, { Display }, { LiveFeed }, { renderSummary }] = await Promise.all([
    import('./state.js'),
    import('./display.js'),
    import('./live.js'),
    import('./summary.js'),
  ]);
  const brokerUrl = `mqtt://127.0.0.1:${port}`;
  const influx = process.env.INFLUX_URL
    ? `${process.env.INFLUX_URL} db ${process.env.INFLUX_DB || 'wattbus'}`
    : undefined;
  const info = {
    port,
    brokerUrl,
    dataDir: paths.data,
    logsDir: paths.logs,
    configDir: paths.config,
    influx,
    startedAt,
  };
  const state = createState(HOUSEHOLDS.map((h) => ({ id: h.id, name: h.name, city: h.city })));
  const display = new Display(state, info);
  tty = display.isTty;
  const feed = new LiveFeed(brokerUrl, state, () => display.onMessage());

  const startAll = async (): Promise<StopReason> => {
    try {
      const byName = (name: string) => consumers.find((c) => c.name === name);
      await byName('broker')?.waitForLog(READY.broker);
      feed.start();
      // Normally subscribed a moment after the broker is up; on a busy machine do not hold the agents long.
      // (If it never subscribes, e.g. InfluxDB is unreachable, its log says why; an exit is a crash.)
      const subscribed = byName('sink-worker')
        ?.waitForLog(READY.sinkWorker)
        .catch(() => {});
      await Promise.race([subscribed, sleep(2000)]);
      start((s) => s.app === 'edge-agent');
    } catch (error) {
      supervisor.requestStop({ kind: 'error', message: (error as Error).message });
    }
    return supervisor.stopRequested;
  };

  display.start();
  const reason = await Promise.race([supervisor.stopRequested, startAll()]);
  display.stop();

  let code = 0;
  if (reason.kind === 'crash') {
    code = 1;
    const c = reason.child;
    const portTaken = c.app === 'broker' && /EADDRINUSE/.test(c.log());
    err(
      portTaken
        ? portTakenMessage(port)
        : `wattbus demo: ${c.name} exited unexpectedly (${c.describeExit()}); its log: ${c.logFile}\n` +
            `--- last lines of ${c.logFile} ---\n${c.logTail()}\n---`,
    );
  } else if (reason.kind === 'error') {
    code = 1;
    err(`wattbus demo: ${reason.message}; logs: ${paths.logs}`);
  } else {
    say(`wattbus demo: ${reason.signal}, shutting down (agents first, broker last)`);
  }
  await supervisor.stopAll(
    (text) => say(`  ${text}`),
    () => feed.stop(),
  );
  const after = await countDataFiles(paths.data);
  say(
    renderSummary({
      state,
      startedAt,
      now: Date.now(),
      dataDir: paths.data,
      logsDir: paths.logs,
      configDir: paths.config,
      influx,
      before: await before,
      after,
      sizes: await fileSizes(paths.data, after.keys()),
    }),
  );
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    err(`wattbus demo: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
