/**
 * Events per second over a sliding window (default the last 10 s). Until the first event is a full window
 * old, the rate is taken over the time since that event plus one second (as if counting had started one
 * second before it), so it is about right from the start instead of climbing slowly up to its real value.
 */
export class RateCounter {
  private times: number[] = [];
  private first: number | undefined;

  constructor(readonly windowMs = 10_000) {}

  add(now: number, count = 1): void {
    this.first ??= now;
    for (let i = 0; i < count; i++) this.times.push(now);
    this.prune(now);
  }

  /** Events per second at `now`. */
  rate(now: number): number {
    if (this.first === undefined) return 0;
    const from = now - this.windowMs;
    let n = 0;
    for (let i = this.times.length - 1; i >= 0 && (this.times[i] as number) > from; i--) n++;
    const spanMs = Math.min(this.windowMs, Math.max(0, now - this.first) + 1000);
    return (n * 1000) / spanMs;
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) <= from) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}
