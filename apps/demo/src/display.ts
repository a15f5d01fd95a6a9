import type { DemoState } from './state.js';
import { ANSI, ansiFrame, plainHeader, renderPlain, renderScreen, type ViewInfo } from './view.js';

/**
 * Puts the view on stdout: on a terminal, the whole screen redrawn every second; otherwise (a pipe, a file,
 * a test) the header once and then one plain line per site every 2 s.
 */
export class Display {
  private timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;
  private readonly onResize = () => this.draw();
  private soon: NodeJS.Timeout | undefined;
  private sitesWithData = 0;

  constructor(
    private readonly state: DemoState,
    private readonly info: ViewInfo,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.tty = out.isTTY === true;
  }

  start(): void {
    if (this.tty) {
      this.out.write(ANSI.hideCursor + ANSI.clear);
      this.draw();
      this.timer = setInterval(() => this.draw(), 1000);
      this.out.on('resize', this.onResize);
    } else {
      this.out.write(`${plainHeader(this.info)}\n`);
      this.timer = setInterval(() => this.draw(), 2000);
    }
  }

  /** Redraws now (terminal) or prints the per-site lines (plain). */
  draw(now = Date.now()): void {
    if (this.tty) this.out.write(ansiFrame(renderScreen(this.state, this.info, now)));
    else this.out.write(`${renderPlain(this.state, now)}\n`);
  }

  /** Called per MQTT message: the first reading of a site is shown at once, not at the next redraw. */
  onMessage(): void {
    let n = 0;
    for (const site of this.state.sites.values()) if (site.lastReadingTs !== undefined) n++;
    if (n > this.sitesWithData && this.timer !== undefined && this.soon === undefined) {
      // a moment later, so the other channels of the same poll are in too
      this.soon = setTimeout(() => {
        this.soon = undefined;
        if (this.timer !== undefined) this.draw();
      }, 150);
    }
    this.sitesWithData = n;
  }

  /** Stops redrawing; on a terminal leaves the last frame on screen and the cursor below it. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.timer = undefined;
    if (this.tty) {
      this.out.off('resize', this.onResize);
      this.draw();
      this.out.write(ANSI.showCursor);
    }
  }

  get isTty(): boolean {
    return this.tty;
  }
}
