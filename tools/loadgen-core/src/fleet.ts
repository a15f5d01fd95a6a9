import { type Reading, topics } from '@wattbus/contract';
import { defaultRole, type MeterDriver, toReading } from '@wattbus/meters';
import { SimulatedMeter } from '@wattbus/meters/simulated';

export interface FleetOptions {
  /** Number of simulated households (sites `<prefix>-0001`, `<prefix>-0002`, …). */
  households: number;
  /** Meters per household: `main`, then `sub-1`, `sub-2`, … */
  metersPerHousehold?: number;
  /** Site id prefix. Default `load`. */
  sitePrefix?: string;
  /** Every `pvEvery`-th household has solar panels (a production channel). Default 3; 0 = none. */
  pvEvery?: number;
  /** Added to every household's seed, so two fleets can differ. Default 0. */
  seed?: number;
}

interface FleetMeter {
  site: string;
  meter: string;
  topic: string;
  driver: MeterDriver;
  /** Next `seq` per channel. */
  seq: Map<string, number>;
  lastTs: number;
}

/** Zero-padded site number: at least 4 digits, more when the fleet needs them. */
function siteId(prefix: string, index: number, households: number): string {
  const width = Math.max(4, String(households).length);
  return `${prefix}-${String(index + 1).padStart(width, '0')}`;
}

/**
 * Simulated households for load generation (prior-art 002's injectors): each meter is the `simulated`
 * driver (seeded consumption by time of day, PV following the sun, grid voltage and frequency), read in
 * turn. `next(now)` returns the readings of the next meter read, valid contract v1 Readings with `seq`
 * counting from 1 per (site, meter, channel) and `ts` = `now`, the time of measurement.
 */
export class HouseholdFleet {
  readonly meters: readonly FleetMeter[];
  readonly households: number;
  private cursor = 0;

  constructor(options: FleetOptions) {
    const { households, metersPerHousehold = 1, sitePrefix = 'load', pvEvery = 3, seed = 0 } = options;
    if (!Number.isInteger(households) || households < 1) throw new RangeError('households must be an integer ≥ 1');
    if (!Number.isInteger(metersPerHousehold) || metersPerHousehold < 1) {
      throw new RangeError('metersPerHousehold must be an integer ≥ 1');
    }
    this.households = households;
    const meters: FleetMeter[] = [];
    for (let h = 0; h < households; h++) {
      const site = siteId(sitePrefix, h, households);
      for (let m = 0; m < metersPerHousehold; m++) {
        const meter = m === 0 ? 'main' : `sub-${m}`;
        const householdSeed = seed + h * metersPerHousehold + m + 1;
        const hasPv = m === 0 && pvEvery > 0 && h % pvEvery === 0;
        const driver = new SimulatedMeter(
          {
            seed: householdSeed,
            base_w: m === 0 ? 100 + (householdSeed % 7) * 25 : 40 + (householdSeed % 5) * 10,
            pv_kwp: hasPv ? 3 + (householdSeed % 4) : 0,
            latitude: 50.85,
            longitude: 4.35,
          },
          { meterId: meter },
        );
        meters.push({ site, meter, topic: topics.reading(site, meter), driver, seq: new Map(), lastTs: 0 });
      }
    }
    this.meters = meters;
  }

  /** Readings per full round over every meter (2 channels per meter, 3 with PV). */
  get readingsPerRound(): number {
    return this.meters.reduce((n, m) => n + m.driver.channels.length, 0);
  }

  /** Reads the next meter at `now` (ms); its `ts` never goes back nor repeats for that meter. */
  async next(now: number): Promise<{ topic: string; readings: Reading[] }> {
    const m = this.meters[this.cursor] as FleetMeter;
    this.cursor = (this.cursor + 1) % this.meters.length;
    const ts = Math.max(Math.trunc(now), m.lastTs + 1);
    m.lastTs = ts;
    const samples = await m.driver.read(ts);
    const readings = samples.flatMap((sample) => {
      const channel = { id: sample.channel, role: defaultRole(sample.channel), sign: 1 };
      const nextSeq = () => {
        const seq = (m.seq.get(sample.channel) ?? 0) + 1;
        m.seq.set(sample.channel, seq);
        return seq;
      };
      return toReading(m.site, m.meter, channel, sample, nextSeq) ?? [];
    });
    return { topic: m.topic, readings };
  }
}
