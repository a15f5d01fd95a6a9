/**
 * Cuts each site's 1-second power into fixed blocks (null where no reading came), the unit the appliance
 * recognition works on. A block is complete when a reading of a later block arrives; a reading for a block already
 * complete is too late and counted, not used.
 */
export interface PowerBlock {
  site: string;
  start_ms: number;
  power_w: (number | null)[];
}

export class PowerBlocks {
  private readonly open = new Map<string, PowerBlock>();
  late = 0;

  constructor(private readonly blockS: number) {}

  /** Adds one sample; returns the block it completed, if any. */
  add(site: string, ts: number, power_w: number): PowerBlock | undefined {
    const blockMs = this.blockS * 1000;
    const start_ms = Math.floor(ts / blockMs) * blockMs;
    let block = this.open.get(site);
    let completed: PowerBlock | undefined;
    if (block && start_ms < block.start_ms) {
      this.late++;
      return undefined;
    }
    if (!block || start_ms > block.start_ms) {
      completed = block;
      block = { site, start_ms, power_w: Array<number | null>(this.blockS).fill(null) };
      this.open.set(site, block);
    }
    block.power_w[Math.floor((ts - start_ms) / 1000)] = power_w;
    return completed;
  }
}
