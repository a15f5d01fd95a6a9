/** Readings measured before the connection stopped arriving this long ago: the broker's backlog is drained… */
export const CATCH_UP_SETTLE_MS = 1000;
/** …or this long after connecting in any case (e.g. agents replaying their own backlogs meanwhile). */
export const CATCH_UP_MAX_MS = 60_000;

/**
 * Whether the alerter has taken the readings its persistent session kept while it was away. Until then missing-data
 * would see channels as silent whose newer readings are still queued at the broker, so nothing is evaluated while
 * disconnected or catching up. MQTT marks no end of a session's backlog: it is taken as drained once no reading
 * measured before the connection has arrived for `CATCH_UP_SETTLE_MS`.
 */
export class CatchUp {
  private connectedAt: number | undefined;
  private lastBacklogAt = 0;
  private caughtUp = false;

  connected(now: number): void {
    this.connectedAt = now;
    this.lastBacklogAt = now;
    this.caughtUp = false;
  }

  disconnected(): void {
    this.connectedAt = undefined;
    this.caughtUp = false;
  }

  reading(ts: number, now: number): void {
    if (!this.caughtUp && this.connectedAt !== undefined && ts < this.connectedAt) this.lastBacklogAt = now;
  }

  done(now: number): boolean {
    if (this.connectedAt === undefined) return false;
    this.caughtUp ||= now - this.lastBacklogAt >= CATCH_UP_SETTLE_MS || now - this.connectedAt >= CATCH_UP_MAX_MS;
    return this.caughtUp;
  }
}
