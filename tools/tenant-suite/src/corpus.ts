import type { Rng } from '@wattbus/fault-suite/seed';
import { BROKER_PACKET_LIMIT, HOSTILE, type Hostile } from './verdict.js';

const T = 'wattbus/v1';
const R = `${T}/${HOSTILE}/m/reading`;
const INFO = `${T}/${HOSTILE}/info`;
const STATUS = `${T}/${HOSTILE}/status`;
const CONSUMER_LIMIT = 65_536; // the sink worker's max_payload_bytes and decodeMessage's default

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const nestedArray = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * Builds house-12's messages. Every reading gets a channel and ts of its own, so each one the contract accepts is a
 * distinct point in the store, and the suite can tell exactly which were stored.
 */
export class Corpus {
  private n = 0;

  /** `now`: readings are stamped an hour before it, one ms apart. */
  constructor(private readonly now: number) {}

  reading(over: Record<string, unknown> = {}): Record<string, unknown> {
    this.n++;
    return {
      v: 1,
      site: HOSTILE,
      meter: 'm',
      channel: `h${this.n}`,
      role: 'other',
      seq: this.n,
      ts: this.now - 3_600_000 + this.n,
      values: { power_w: 100 },
      labels: {},
      ...over,
    };
  }

  /** A reading whose JSON has `raw` as the value of values.power_w (any text, valid JSON or not). */
  rawPower(raw: string, over: Record<string, unknown> = {}): Buffer {
    return Buffer.from(
      JSON.stringify(this.reading({ ...over, values: { power_w: 0 } })).replace('"power_w":0', `"power_w":${raw}`),
    );
  }

  info(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      v: 1,
      site: HOSTILE,
      ts: this.now,
      name: 'House 12',
      meters: [{ id: 'm', driver: 'simulated', interval_ms: 1000, channels: [{ id: 'c', role: 'other' }] }],
      ...over,
    };
  }

  /** A valid reading padded with spaces (still valid JSON) to exactly `bytes`. */
  padded(bytes: number): Buffer {
    const text = JSON.stringify(this.reading());
    return Buffer.from(text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text))));
  }

  /** The messages of issue #16's corpus, numbered as the issue numbers them (the attacks that need more than a message are in attacks.ts). */
  seedCorpus(): Hostile[] {
    const out: Hostile[] = [];
    const add = (attack: string, topic: string | Buffer, payload: Buffer, retain = false) =>
      out.push({ attack, topic, payload, retain });
    add('1 power_w nested 5,000 deep (10 kB)', R, this.rawPower(nestedArray(5_000)));
    for (const id of ['reading', 'status', 'info', 'health']) {
      add(`3 reserved meter id "${id}"`, `${T}/${HOSTILE}/${id}/reading`, json(this.reading({ meter: id })));
    }
    add('9 label named "time"', R, json(this.reading({ labels: { time: 'x' } })));
    add('9 label value of only backslashes', R, json(this.reading({ labels: { tariff: '\\\\\\\\' } })));
    for (const key of ['site', 'meter', 'channel', 'role', 'seq', 'power_w', 'city', 'postcode']) {
      // a label named like a tag or field the store sets itself must not move the point to another series or site
      add(`9 label named "${key}"`, R, json(this.reading({ labels: { [key]: 'house-13' } })));
    }
    add('10 ts in 2099', R, json(this.reading({ meter: 'ov', channel: 'ov', ts: Date.UTC(2099, 0, 1) })));
    for (const raw of ['1.7976931348623157e308', '-1.7976931348623157e308', '1e308', '1.8e308', '-1e309']) {
      add(`14 power_w ${raw}`, R, this.rawPower(raw));
    }
    add('14 NUL in the topic', Buffer.from(`${T}/${HOSTILE}/a\u0000b/reading`), json(this.reading()));
    add(
      '14 invalid UTF-8 in the topic',
      Buffer.from([...Buffer.from(`${T}/${HOSTILE}/`), 0xc3, 0x28, ...Buffer.from('/reading')]),
      json(this.reading()),
    );
    add(
      '14 overlong "/" in the topic',
      Buffer.from([...Buffer.from(`${T}/${HOSTILE}/m`), 0xc0, 0xaf, ...Buffer.from('x/reading')]),
      json(this.reading()),
    );
    add(
      '14 surrogate in the topic (CESU-8)',
      Buffer.from([...Buffer.from(`${T}/${HOSTILE}/`), 0xed, 0xa0, 0x80, ...Buffer.from('/reading')]),
      json(this.reading()),
    );
    return out;
  }

  /** Issue #16's items 2 and 7: retained infos that must not hurt anyone (the caller restores a valid info after each). */
  deepInfo(): Hostile {
    const name = nestedArray(5_000, '"x"');
    return {
      attack: '2 info name nested 5,000 deep, retained',
      topic: INFO,
      payload: Buffer.from(JSON.stringify(this.info({ name: 0 })).replace('"name":0', `"name":${name}`)),
      retain: true,
    };
  }

  wideInfo(): Hostile {
    const channels = Array.from({ length: 8_000 }, (_, i) => ({ id: `c${i}`, role: 'grid' }));
    return {
      attack: '7 info with 8,000 channels, retained',
      topic: INFO,
      payload: json(this.info({ meters: [{ id: 'm', driver: 'simulated', interval_ms: 1000, channels }] })),
      retain: true,
    };
  }

  validInfo(): Hostile {
    return { attack: 'valid info (restores house-12)', topic: INFO, payload: json(this.info()), retain: true };
  }

  /** House-12 floods its own readings topic with valid readings of `bytes` each (for the never-reading subscribers). */
  flood(count: number, bytes: number): Hostile[] {
    return Array.from({ length: count }, () => ({
      attack: `4 flood of ${bytes}-byte readings`,
      topic: R,
      payload: this.padded(bytes),
    }));
  }

  /** Overload on the channel that got a 2099 reading: 20 kW, as live readings (the alerter must still judge it). */
  overload(ts: number, seq: number): Hostile {
    return {
      attack: '10 overload after the 2099 reading',
      topic: `${T}/${HOSTILE}/ov/reading`,
      payload: json({
        v: 1,
        site: HOSTILE,
        meter: 'ov',
        channel: 'ov',
        role: 'consumption',
        seq,
        ts,
        values: { power_w: 20_000 },
        labels: {},
      }),
    };
  }

  /** Seeded generated cases: depth, width, size, encodings, reserved ids in every position, absurd numbers. */
  generated(rng: Rng): Hostile[] {
    const out: Hostile[] = [];
    const add = (attack: string, topic: string | Buffer, payload: Buffer) => out.push({ attack, topic, payload });
    const logUniform = (max: number) => Math.max(1, Math.round(Math.exp(rng.next() * Math.log(max))));

    const depths = [
      1,
      2,
      100,
      10_000,
      32_760,
      131_000,
      200_000,
      ...Array.from({ length: 6 }, () => logUniform(200_000)),
    ];
    for (const d of depths) {
      add(`gen depth ${d} (arrays)`, R, this.rawPower(nestedArray(d)));
      add(`gen depth ${d} (objects)`, R, this.rawPower(nestedObject(Math.min(d, 60_000))));
    }
    for (const d of [3, 5_000, logUniform(100_000)]) {
      add(
        `gen info name depth ${d}`,
        INFO,
        Buffer.from(JSON.stringify(this.info({ name: 0 })).replace('"name":0', `"name":${nestedArray(d, '"x"')}`)),
      );
      add(
        `gen status depth ${d}`,
        STATUS,
        Buffer.from(`{"v":1,"state":"online","ts":${this.now},"agent":${nestedArray(d, '"x"')}}`),
      );
    }

    for (const w of [1_000, 8_000, 30_000, rng.int(100, 50_000)]) {
      add(
        `gen width ${w} values`,
        R,
        json(this.reading({ values: Object.fromEntries(Array.from({ length: w }, (_, i) => [`power_w_${i}`, i])) })),
      );
      add(
        `gen width ${w} labels`,
        R,
        json(this.reading({ labels: Object.fromEntries(Array.from({ length: w }, (_, i) => [`l${i}`, 'x'])) })),
      );
      add(`gen width ${w} array items`, R, this.rawPower(`[${Array.from({ length: w }, () => '1').join(',')}]`));
      add(
        `gen width ${w} info meters`,
        INFO,
        json(
          this.info({
            meters: Array.from({ length: w }, (_, i) => ({
              id: `m${i}`,
              driver: 's',
              interval_ms: 1000,
              channels: [{ id: 'c', role: 'grid' }],
            })),
          }),
        ),
      );
    }

    const sizes = [
      0,
      1,
      CONSUMER_LIMIT,
      CONSUMER_LIMIT + 1,
      200_000,
      BROKER_PACKET_LIMIT - 64,
      BROKER_PACKET_LIMIT + 1,
      1_048_576,
      rng.int(2, BROKER_PACKET_LIMIT),
    ];
    for (const s of sizes) add(`gen size ${s}`, R, s < 2 ? Buffer.alloc(s, '{') : this.padded(s));
    const exact = this.padded(0);
    const topicBytes = Buffer.byteLength(R);
    // a packet of exactly the brokers' limit, and one byte over it
    for (const extra of [0, 1]) {
      const bodyBytes = BROKER_PACKET_LIMIT + extra - 1 - 3 - 2 - topicBytes - 2;
      add(
        `gen packet ${BROKER_PACKET_LIMIT + extra} bytes`,
        R,
        Buffer.concat([exact, Buffer.alloc(bodyBytes - exact.length, ' ')]),
      );
    }

    const text = JSON.stringify(this.reading());
    add('gen UTF-16LE', R, Buffer.from(text, 'utf16le'));
    add('gen UTF-16BE with BOM', R, Buffer.from(Buffer.from(`\ufeff${text}`, 'utf16le')).swap16());
    add('gen UTF-8 BOM', R, Buffer.from(`\ufeff${JSON.stringify(this.reading())}`));
    const withLabel = (bytes: number[]) => {
      const [a, b] = JSON.stringify(this.reading({ labels: { tariff: 'MARK' } })).split('MARK') as [string, string];
      return Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(b)]);
    };
    add('gen invalid UTF-8 in a label value', R, withLabel([0xff, 0xfe, 0x41]));
    add('gen overlong "/" in a label value', R, withLabel([0xc0, 0xaf]));
    add('gen CESU-8 surrogate in a label value', R, withLabel([0xed, 0xa0, 0x80]));
    add('gen raw NUL in a label value', R, withLabel([0x00]));
    add(
      'gen lone surrogate \\ud800 in a label value',
      R,
      Buffer.from(JSON.stringify(this.reading({ labels: { tariff: 'X' } })).replace('"X"', '"\\ud800"')),
    );
    add(
      'gen lone surrogate \\udfff in a channel id',
      R,
      Buffer.from(JSON.stringify(this.reading()).replace(/"channel":"[^"]*"/, '"channel":"a\\udfff"')),
    );
    add(
      'gen \\u0000 in a label value',
      R,
      Buffer.from(JSON.stringify(this.reading({ labels: { tariff: 'X' } })).replace('"X"', '"\\u0000"')),
    );

    const reserved = ['reading', 'status', 'info', 'health', 'receipt', 'rollup', 'alerts', 'dlq'];
    for (const id of reserved) {
      const body = json(this.reading({ meter: id }));
      add(`gen reserved "${id}" as site`, `${T}/${id}/m/reading`, body);
      add(`gen reserved "${id}" as meter`, `${T}/${HOSTILE}/${id}/reading`, body);
      add(`gen reserved "${id}" as kind`, `${T}/${HOSTILE}/m/${id}`, body);
      add(`gen reserved "${id}" as site kind`, `${T}/${HOSTILE}/${id}`, json(this.info()));
      add(`gen reserved "${id}" as alert rule`, `${T}/alerts/${HOSTILE}/${id}`, body);
      add(`gen reserved "${id}" as dlq consumer`, `${T}/dlq/${id}`, body);
    }
    add('gen other household as site', `${T}/house-13/m/reading`, json(this.reading({ site: 'house-13' })));
    add('gen forged alert of house-13', `${T}/alerts/house-13/sign`, json({ forged: true }));
    add('gen upper-case meter', `${T}/${HOSTILE}/M/reading`, json(this.reading({ meter: 'M' })));
    add('gen 30 kB meter id', `${T}/${HOSTILE}/${'m'.repeat(30_000)}/reading`, json(this.reading()));
    add('gen U+FFFF meter id', `${T}/${HOSTILE}/\uffff/reading`, json(this.reading()));

    const absurd = [
      '5e-324',
      '-0',
      '1e-400',
      '1e400',
      `1${'0'.repeat(400)}`,
      `0.${'0'.repeat(5_000)}1`,
      '0x1F',
      'NaN',
      'Infinity',
      '1E+308',
      '"1"',
      'true',
      'null',
      '{}',
      '[]',
    ];
    for (const raw of absurd) add(`gen power_w ${raw.slice(0, 20)}`, R, this.rawPower(raw));
    for (const [name, over] of [
      ['seq 2^53-1', { seq: Number.MAX_SAFE_INTEGER }],
      ['seq 0', { seq: 0 }],
      ['seq 1.5', { seq: 1.5 }],
      ['ts 2100-01-01', { ts: Date.UTC(2100, 0, 1) }],
      ['ts in seconds', { ts: Math.floor(this.now / 1000) }],
      ['ts 6 min ahead', { ts: this.now + 360_000 }],
    ] as const) {
      add(`gen ${name}`, R, json(this.reading(over)));
    }
    add(
      'gen seq 2^53+1 (as text)',
      R,
      Buffer.from(JSON.stringify(this.reading()).replace(/"seq":\d+/, '"seq":9007199254740993')),
    );

    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [out[i], out[j]] = [out[j] as Hostile, out[i] as Hostile];
    }
    return out;
  }
}
