/**
 * Modbus RTU read rate against the line-rate limit (`pnpm --filter @wattbus/meters bench:modbus`).
 *
 * For each bundled model: one meter's full register set, read in a loop over a socat PTY pair from the
 * simulator, which answers no sooner than a real 9600-baud 8E1 line (11 bits per byte) would allow. The limit
 * is what the line itself allows per read: for each request, (request + response bytes) × 11 bits / 9600
 * baud plus two 3.5-character silences (one ending the request, one before the next).
 */
import { performance } from 'node:perf_hooks';
import { describeFraming, type SerialFraming } from '@wattbus/meter-wire/modbus';
import { SlaveBank, startRtuSlave } from '@wattbus/simulators/modbus';
import { makePtyPair } from '@wattbus/testkit';
import type { ModbusRtuConfig } from '../src/modbus/config.js';
import { ModbusMeter } from '../src/modbus/driver.js';
import { MODELS, registerMap } from '../src/modbus/models.js';
import { planOneByOne } from '../src/modbus/planner.js';

const FRAMING: SerialFraming = { baud: 9600, parity: 'even', data_bits: 8, stop_bits: 1 };
const MEASURE_MS = Number(process.env.BENCH_MS ?? 5_000);
const TARGET = 0.85;

interface Run {
  readsPerSec: number;
  limitPerSec: number;
  requestsPerRead: number;
}

async function measure(model: string, coalesce: boolean, durationMs: number): Promise<Run> {
  const map = registerMap(model);
  const pty = await makePtyPair();
  const bank = new SlaveBank();
  bank.addUnit(1, map);
  const slave = await startRtuSlave(bank, { path: pty.b, framing: FRAMING, lineTiming: true });
  const config: ModbusRtuConfig = {
    transport: 'rtu',
    port: pty.a,
    model,
    unit_id: 1,
    timeout_ms: 5_000,
    coalesce,
    baud: FRAMING.baud,
    parity: FRAMING.parity,
    data_bits: FRAMING.data_bits,
    stop_bits: FRAMING.stop_bits,
  };
  const meter = new ModbusMeter(config, { meterId: model }, map);
  try {
    await meter.open();
    for (let i = 0; i < 2; i++) await meter.read(Date.now());
    const requestsBefore = bank.requests.length;
    let reads = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs || reads < 2) {
      await meter.read(Date.now());
      reads++;
    }
    const elapsed = performance.now() - start;
    return {
      readsPerSec: (reads * 1000) / elapsed,
      limitPerSec: 1000 / (meter.lineTimeMs() ?? Number.NaN),
      requestsPerRead: (bank.requests.length - requestsBefore) / reads,
    };
  } finally {
    await meter.close();
    await slave.close();
    await pty.stop();
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(7);

console.log(`Modbus RTU bench: ${describeFraming(FRAMING)} (11 bits per byte), simulator held to line rate,`);
console.log(`${MEASURE_MS / 1000} s per coalesced run, ${MEASURE_MS / 2000} s per one-by-one run.\n`);
console.log('model         values  requests/read       reads/s (one-by-one)   reads/s (coalesced)   ratio');
console.log('                      before  after       measured    limit       measured    limit     to limit');
let worst = Number.POSITIVE_INFINITY;
for (const model of MODELS) {
  const map = registerMap(model);
  const plain = await measure(model, false, MEASURE_MS / 2);
  const joined = await measure(model, true, MEASURE_MS);
  const ratio = joined.readsPerSec / joined.limitPerSec;
  worst = Math.min(worst, ratio);
  if (plain.requestsPerRead !== planOneByOne(map.fields).length) throw new Error(`${model}: unexpected request count`);
  console.log(
    `${model.padEnd(13)} ${String(map.fields.length).padStart(6)}  ${String(plain.requestsPerRead).padStart(6)}  ${String(joined.requestsPerRead).padStart(5)}   ` +
      `${fmt(plain.readsPerSec)}  ${fmt(plain.limitPerSec)}     ${fmt(joined.readsPerSec)}  ${fmt(joined.limitPerSec)}   ${fmt(ratio, 3)}`,
  );
}
console.log(`\nworst ratio ${worst.toFixed(3)} (target ≥ ${TARGET})`);
if (worst < TARGET) process.exitCode = 1;
