import { exampleReading, isReading, validateReading } from '../src/index.js';

// Reading validations per second on one core (the event loop is single-threaded). Target ≥ 200,000/s.
const readings = Array.from({ length: 1000 }, (_, i) => ({
  ...exampleReading(),
  seq: i,
  ts: 1763800000000 + i,
}));
const bad = { ...exampleReading(), values: { power_w: 'x' } };

function measure(label: string, fn: (i: number) => unknown, seconds = 2): number {
  for (let i = 0; i < 50_000; i++) fn(i); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) fn(n + i);
    n += 1000;
  }
  const perSecond = n / (Number(process.hrtime.bigint() - start) / 1e9);
  console.log(`${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en').padStart(12)} /s`);
  return perSecond;
}

const parsedValid = measure('validateReading (valid)', (i) => validateReading(readings[i % 1000]));
measure('isReading (valid, boolean only)', (i) => isReading(readings[i % 1000]));
measure('validateReading (invalid, with messages)', () => validateReading(bad));
const payloads = readings.map((r) => Buffer.from(JSON.stringify(r)));
const withParse = measure('JSON.parse + validateReading (valid)', (i) =>
  validateReading(JSON.parse((payloads[i % 1000] as Buffer).toString())),
);
const target = 200_000;
console.log(
  JSON.stringify({
    bench: 'contract.validateReading',
    per_second: Math.round(parsedValid),
    with_parse_per_second: Math.round(withParse),
    target,
    pass: parsedValid >= target,
  }),
);
