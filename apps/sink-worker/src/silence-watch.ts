/**
 * Tells when the worker hears nothing although it should: some site's agent is online (its retained status says
 * so) and no reading has come for `maxSilenceMs`. A worker that lost its subscription — e.g. its session was
 * taken over under its client id — looks healthy in every other way.
 */
export class SilenceWatch {
  private lastHeard: number;

  constructor(
    private readonly maxSilenceMs: number,
    private readonly onlineSites: () => number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastHeard = now();
  }

  heard(): void {
    this.lastHeard = this.now();
  }

  /** Why the silence is suspicious, or undefined when it is not. */
  check(): string | undefined {
    if (this.maxSilenceMs === 0) return undefined;
    const silentMs = this.now() - this.lastHeard;
    if (silentMs <= this.maxSilenceMs) return undefined;
    const online = this.onlineSites();
    if (online === 0) return undefined;
    return `no reading for ${Math.round(silentMs / 1000)} s while ${online} agent(s) are online`;
  }
}
