import { EventEmitter, once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SlowReaderError } from '../src/errors.js';
import { ConnectionGate } from '../src/limits/connection-gate.js';
import { FrameScanner, MALFORMED, PUBLISH } from '../src/limits/frame-scanner.js';
import { guardStream } from '../src/limits/packet-guard.js';
import { QueueLimiter } from '../src/limits/queue-limit.js';
import { TokenBucket } from '../src/limits/token-bucket.js';

describe('FrameScanner', () => {
  const headers = (chunks: Buffer[]) => {
    const scanner = new FrameScanner();
    const seen: Array<[number, number]> = [];
    for (const chunk of chunks) {
      expect(scanner.scan(chunk, (type, bytes) => seen.push([type, bytes]) > 0)).toBe(chunk.length);
    }
    return seen;
  };
  // PUBLISH with a 2-byte remaining length of 200 (0xC8 0x01), then PINGREQ, then a 3-byte-length PUBLISH.
  const big = Buffer.concat([Buffer.from([0x30, 0xc8, 0x01]), Buffer.alloc(200), Buffer.from([0xc0, 0x00])]);
  const huge = Buffer.from([0x32, 0x80, 0x80, 0x10]); // remaining length 262144, body not sent yet

  it('finds each packet and its full size, however the bytes are split', () => {
    const expected = [
      [PUBLISH, 203],
      [12, 2],
      [PUBLISH, 4 + 262_144],
    ];
    const all = Buffer.concat([big, huge]);
    expect(headers([all])).toEqual(expected);
    expect(headers([...all].map((b) => Buffer.from([b])))).toEqual(expected);
    expect(headers([all.subarray(0, 2), all.subarray(2, 150), all.subarray(150)])).toEqual(expected);
  });

  it('stops before a packet the check holds back, and starts with it next time', () => {
    const scanner = new FrameScanner();
    const seen: number[] = [];
    let allow = 1;
    const check = (_type: number, bytes: number) => {
      if (allow-- <= 0) return false;
      seen.push(bytes);
      return true;
    };
    expect(scanner.scan(big, check)).toBe(203);
    allow = 1;
    expect(scanner.scan(big.subarray(203), check)).toBe(2);
    expect(seen).toEqual([203, 2]);
  });

  it('reports a remaining length longer than 4 bytes as malformed', () => {
    expect(new FrameScanner().scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), () => true)).toBe(MALFORMED);
  });
});

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate, and tells how long until the next token', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([1, 2, 3, 4].map(() => bucket.tryTake())).toEqual([true, true, true, false]);
    expect(bucket.msUntilAvailable()).toBe(100);
    now = 50;
    expect([bucket.tryTake(), bucket.msUntilAvailable()]).toEqual([false, 50]);
    now = 100;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    expect(bucket.isIdle()).toBe(false);
    now = 10_000;
    expect(bucket.isIdle()).toBe(true);
  });
});

describe('QueueLimiter', () => {
  it('counts per client and refuses past the limit until messages are released', () => {
    const full: string[] = [];
    const queues = new QueueLimiter(2, (id) => full.push(id));
    expect([queues.reserve('a'), queues.reserve('a'), queues.reserve('a'), queues.reserve('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(queues.total).toBe(3);
    queues.release('a');
    queues.release('unknown');
    expect(queues.reserve('a')).toBe(true);
    expect(queues.total).toBe(3);
    expect([queues.reserve('a'), queues.reserve('a')]).toEqual([false, false]);
    expect(full).toEqual(['a', 'a']); // once per time it filled up
  });
});

describe('ConnectionGate', () => {
  const socket = (address: string) =>
    Object.assign(new EventEmitter(), { remoteAddress: address }) as unknown as Socket;

  it('limits open connections, counting closes', () => {
    const gate = new ConnectionGate({ maxConnections: 2, perAddress: undefined });
    const first = socket('10.0.0.1');
    expect([gate.admit(first), gate.admit(socket('10.0.0.2')), gate.admit(socket('10.0.0.3'))]).toEqual([
      undefined,
      undefined,
      'max_connections',
    ]);
    first.emit('close');
    expect(gate.admit(socket('10.0.0.3'))).toBeUndefined();
    expect(gate.connections).toBe(2);
  });

  it('limits the connection rate per address, not across addresses', () => {
    const gate = new ConnectionGate({ maxConnections: 0, perAddress: { perSecond: 0.001, burst: 2 } });
    const results = ['a', 'a', 'a', 'b'].map((address) => gate.admit(socket(address)));
    expect(results).toEqual([undefined, undefined, 'connection_rate', undefined]);
  });
});

describe('guardStream', () => {
  it('destroys the stream once more than maxBufferedBytes wait for a peer that does not read', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const peer = connect((server.address() as AddressInfo).port, '127.0.0.1');
    peer.pause(); // never reads
    const [socket] = (await once(server, 'connection')) as [Socket];
    const limits = { maxPacketBytes: 1024, publishRate: undefined, maxBufferedBytes: 1_000_000 };
    const guarded = guardStream(socket, limits, () => {});
    const failed = once(guarded, 'error');
    const chunk = Buffer.alloc(64 * 1024);
    let written = 0;
    while (!guarded.destroyed && written < 64 * 1024 * 1024) {
      guarded.write(chunk);
      written += chunk.length;
      if (written % (1024 * 1024) === 0) await new Promise((resolve) => setImmediate(resolve)); // let the kernel take its share
    }
    expect(guarded.destroyed).toBe(true);
    const [err] = (await failed) as [SlowReaderError];
    expect(err).toBeInstanceOf(SlowReaderError);
    expect(err.bufferedBytes).toBeGreaterThan(1_000_000);
    // the limit is checked on what waited before a write: at most that write more
    expect(err.bufferedBytes).toBeLessThanOrEqual(1_000_000 + 2 * chunk.length);
    peer.destroy();
    server.close();
  });

  it('lets one message larger than maxBufferedBytes through to a peer that reads', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const peer = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let received = 0;
    peer.on('data', (data: Buffer) => {
      received += data.length;
    });
    const [socket] = (await once(server, 'connection')) as [Socket];
    const limits = { maxPacketBytes: 16 * 1024 * 1024, publishRate: undefined, maxBufferedBytes: 65_536 };
    const guarded = guardStream(socket, limits, () => {});
    guarded.write(Buffer.alloc(10 * 1024 * 1024)); // e.g. a 10 MB message the packet limit allows
    await new Promise<void>((resolve) => {
      const check = () => (received >= 10 * 1024 * 1024 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(guarded.destroyed).toBe(false);
    expect(received).toBe(10 * 1024 * 1024);
    peer.destroy();
    server.close();
  });
});
