/** What one part costs, measured on this machine: CPU seconds per reading it handled. */
export interface PartCost {
  part: string;
  /** How the part scales: one per household (agent), one process per share of a core (Node, mosquitto), or
   * multi-threaded on one server (influxd). */
  kind: 'per-household' | 'single-threaded' | 'multi-threaded';
  cpu_s_per_reading: number;
  /** Messages each reading causes at this part (a broker delivers a reading once per subscribing consumer). */
  per_reading?: number;
}

export interface SizingAssumptions {
  channels_per_household: number;
  readings_per_channel_per_s: number;
  /** Planned use of a core: the rest is headroom for catching up after an outage. */
  core_utilisation: number;
}

export const DEFAULT_ASSUMPTIONS: SizingAssumptions = {
  channels_per_household: 3,
  readings_per_channel_per_s: 1,
  core_utilisation: 0.5,
};

export interface SizedPart {
  part: string;
  /** Cores needed at the planned utilisation, one decimal. */
  cores: number;
  /** Processes for single-threaded parts; servers are counted as cores for multi-threaded ones. */
  processes: number | null;
  /** For per-household parts: the share of one core each household's device uses. */
  per_household_core_share: number | null;
}

export function readingsPerSecond(households: number, a: SizingAssumptions): number {
  return households * a.channels_per_household * a.readings_per_channel_per_s;
}

/** Cores and processes of each part for `households`, from the measured costs. */
export function size(households: number, costs: readonly PartCost[], a: SizingAssumptions): SizedPart[] {
  const rate = readingsPerSecond(households, a);
  return costs.map((c) => {
    const busy = rate * (c.per_reading ?? 1) * c.cpu_s_per_reading;
    if (c.kind === 'per-household') {
      return { part: c.part, cores: round1(busy), processes: households, per_household_core_share: busy / households };
    }
    const cores = Math.max(0.1, round1(busy / a.core_utilisation));
    const processes = c.kind === 'single-threaded' ? Math.max(1, Math.ceil(busy / a.core_utilisation)) : null;
    return { part: c.part, cores, processes, per_household_core_share: null };
  });
}

// the epsilon keeps 1.2000000000000002 (float noise) at 1.2
const round1 = (x: number) => Math.ceil(x * 10 - 1e-9) / 10;

/** The sizing table as markdown: one row per part, one column per fleet size. */
export function sizingTable(
  fleets: readonly number[],
  costs: readonly PartCost[],
  a: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): string {
  const sized = fleets.map((h) => size(h, costs, a));
  const head = `| part | µs CPU / reading | ${fleets.map((h) => `${fmtCount(h)} households (${fmtCount(readingsPerSecond(h, a))}/s)`).join(' | ')} |`;
  const rule = `|---|---:|${fleets.map(() => '---:').join('|')}|`;
  const rows = costs.map((c, i) => {
    const cells = sized.map((parts) => {
      const p = parts[i] as SizedPart;
      if (p.per_household_core_share !== null)
        return `${(p.per_household_core_share * 100).toFixed(2)} % of a core each`;
      return p.processes === null ? `${p.cores} cores` : `${p.cores} cores, ${p.processes} proc`;
    });
    const perReading = c.per_reading && c.per_reading !== 1 ? ` ×${c.per_reading}` : '';
    return `| ${c.part} | ${(c.cpu_s_per_reading * 1e6).toFixed(1)}${perReading} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

function fmtCount(n: number): string {
  if (n >= 1e6) return `${n / 1e6}M`;
  if (n >= 1e3) return `${n / 1e3}k`;
  return String(n);
}
