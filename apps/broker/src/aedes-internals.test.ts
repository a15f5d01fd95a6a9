import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AEDES_VERSIONS, missingInternals } from './aedes-internals.js';
import { type BrokerStore, openStore } from './persistence.js';

// An Aedes upgrade must be a decision: these fail until aedes-internals.ts is checked against the new versions
// (the broker tests then prove the dedupe, queue order, string and shared-subscription behaviour).

/** Where a package is installed, resolved from `from` (a file path), without relying on its exports map. */
function packageDir(name: string, from: string): string {
  const entry = createRequire(from).resolve(name);
  let dir = dirname(entry);
  while (!dir.endsWith(`/node_modules/${name}`)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package directory for ${name} above ${entry}`);
    dir = parent;
  }
  return dir;
}

const here = fileURLToPath(import.meta.url);
const aedesDir = packageDir('aedes', here);
const levelDir = packageDir('aedes-persistence-level', here);
const redisDir = packageDir('aedes-persistence-redis', here);
const dirs: Record<keyof typeof AEDES_VERSIONS, string> = {
  aedes: aedesDir,
  'aedes-persistence': packageDir('aedes-persistence', join(aedesDir, 'aedes.js')),
  'aedes-persistence-level': levelDir,
  'aedes-persistence-redis': redisDir,
  'mqemitter-redis': packageDir('mqemitter-redis', here),
  'mqtt-packet': packageDir('mqtt-packet', join(aedesDir, 'aedes.js')),
};
const source = (pkg: keyof typeof dirs, file: string) => readFileSync(join(dirs[pkg], file), 'utf8');

it.each(Object.entries(AEDES_VERSIONS))(
  'runs on the exact %s version the internals were checked against',
  (pkg, version) => {
    const installed = JSON.parse(source(pkg as keyof typeof dirs, 'package.json')) as { version: string };
    expect(installed.version, pkg).toBe(version);
  },
);

// aedes 1.2.0 asks for aedes-persistence-redis ^11.2.1 as a peer, but 11.x is built on aedes-persistence 10; 12.0.0
// is the one on the aedes-persistence 11 that aedes itself uses.
it.each([
  ['aedes-persistence-level', levelDir],
  ['aedes-persistence-redis', redisDir],
])('%s uses the same aedes-persistence as aedes', (_name, dir) => {
  expect(packageDir('aedes-persistence', join(dir, 'asyncPersistence.js'))).toBe(dirs['aedes-persistence']);
});

let tmp: TempDir;
let level: BrokerStore;
beforeAll(async () => {
  tmp = await tempDir('wattbus-aedes-internals-');
  level = await openStore(join(tmp.path, 'store'));
});
afterAll(async () => {
  await level?.close();
  await tmp?.cleanup();
});

it.each(['in-memory', 'LevelDB'])(
  'finds every internal member it uses on a real broker and client (%s store)',
  async (kind) => {
    const aedes = await Aedes.createBroker({ persistence: kind === 'LevelDB' ? level.aedes : undefined });
    const client = aedes.handle(new PassThrough());
    try {
      expect(missingInternals(aedes, client)).toEqual([]);
    } finally {
      client.close();
      await new Promise<void>((done) => aedes.close(() => done()));
    }
  },
);

// What the internals rely on beyond a member's presence, as the sources say it.
it.each([
  ['aedes', 'lib/client.js', '(duplicates[id] || 0) < counter', 'client.duplicates is read per broker id'],
  ['aedes', 'lib/client.js', 'broker.persistence.outgoingUpdate(that, packet)', 'deliverQoS updates the queue'],
  ['aedes', 'aedes.js', 'broker.persistence.outgoingEnqueueCombi(subs, packet)', 'publish queues through Combi'],
  ['aedes', 'lib/handlers/subscribe.js', 'broker.subscribe(topic, func, done)', 'subscriptions go through subscribe'],
  ['aedes', 'lib/handlers/subscribe.js', 'stream.pipe(through(function sendRetained', 'retained messages are piped'],
  ['aedes', 'aedes.js', 'const wills = that.persistence.streamWill(that.brokers)', "dead brokers' Wills are streamed"],
  ['aedes', 'aedes.js', "that.emit('error', err)", 'a failure publishing Wills is an error event'],
  [
    'aedes-persistence-redis',
    'asyncPersistence.js',
    'const key = willKey(client.brokerId, client.id)',
    'delWill finds a Will by client id and broker id',
  ],
  [
    'aedes-persistence-redis',
    'asyncPersistence.js',
    'return matchRetained(this.#db, patterns, this.#hasClusters)',
    'retained messages come as an async generator',
  ],
  [
    'mqemitter-redis',
    'mqemitter-redis.js',
    'module.exports.MQEmitterRedisPrefix = MQEmitterRedisPrefix',
    'the prefixed emitter is exported',
  ],
  ['mqemitter-redis', 'mqemitter-redis.js', 'const t = this._pubSubPrefix + topic', 'it prefixes every channel'],
  ['aedes-persistence-redis', 'asyncPersistence.js', '`${OUTGOINGKEY}${encodeURIComponent(clientId)}`', 'queue key'],
  ['aedes-persistence-redis', 'asyncPersistence.js', "const OUTGOINGKEY = 'outgoing:'", 'queue key prefix'],
  [
    'aedes-persistence-redis',
    'asyncPersistence.js',
    'const pktKey = packetKey(packet.brokerId, packet.brokerCounter)',
    'queued messages are keyed by brokerId and brokerCounter',
  ],
  [
    'mqtt-packet',
    'parser.js',
    "const result = this._list.toString('utf8', this._pos, end)",
    '_parseString reads at _pos',
  ],
] as Array<[keyof typeof dirs, string, string, string]>)('%s %s still has `%s` (%s)', (pkg, file, text) => {
  expect(source(pkg, file)).toContain(text);
});
