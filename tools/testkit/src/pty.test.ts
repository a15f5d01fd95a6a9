import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePtyPair } from './pty.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

describe('makePtyPair', () => {
  it('passes raw bytes from A to B unchanged (no echo, no line discipline)', async () => {
    const pty = await makePtyPair();
    try {
      expect(existsSync(pty.a)).toBe(true);
      expect(existsSync(pty.b)).toBe(true);

      const reader = createReadStream(pty.b);
      const chunks: Buffer[] = [];
      reader.on('data', (c) => chunks.push(c as Buffer));
      reader.on('error', () => {}); // EIO once socat goes away
      const writer = createWriteStream(pty.a);

      // a DSMR-ish telegram plus bytes a cooked tty would mangle: ^C, CR, LF, 0x00, 0xff
      const sent = Buffer.concat([
        Buffer.from('/ISK5\\2M550T-1012\r\n\r\n1-0:1.8.1(001234.567*kWh)\r\n!ABCD\r\n'),
        Buffer.from([0x00, 0x03, 0x0d, 0x0a, 0x7f, 0xff]),
      ]);
      await new Promise<void>((resolve, reject) => writer.write(sent, (err) => (err ? reject(err) : resolve())));

      const received = await waitFor(
        () => {
          const all = Buffer.concat(chunks);
          return all.length >= sent.length ? all : undefined;
        },
        { timeoutMs: 5_000, what: 'bytes on B' },
      );
      expect(received.equals(sent)).toBe(true);

      writer.destroy();
      reader.destroy();
    } finally {
      await pty.stop();
    }
    expect(existsSync(pty.a)).toBe(false);
    expect(existsSync(pty.dir)).toBe(false);
  });
});

describe('makePtyPair in a caller-owned dir', () => {
  it('reappears at the same link paths after a stop, and leaves the dir in place', async () => {
    const dir = await tempDir('wattbus-pty-test-');
    try {
      const first = await makePtyPair({ dir: dir.path });
      expect(first.a).toBe(join(dir.path, 'A'));
      await first.stop();
      expect(existsSync(first.a)).toBe(false);
      expect(existsSync(dir.path)).toBe(true);

      const second = await makePtyPair({ dir: dir.path });
      try {
        expect(second.a).toBe(first.a);
        expect(second.b).toBe(first.b);
        expect(existsSync(second.a)).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await dir.cleanup();
    }
  });
});
