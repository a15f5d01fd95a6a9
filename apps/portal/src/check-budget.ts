export interface CheckBudgetOptions {
  /** Checks running at once. */
  concurrency: number;
  /** Checks started per second, on average… */
  perSecond: number;
  /** …and at once after a quiet time. */
  burst: number;
  /** Callers that may wait for their turn; more are refused at once. */
  queue: number;
  now?: () => number;
}

export const BUSY = Symbol('busy');

/**
 * The portal's own budget of login checks at the broker: a concurrency cap, a token bucket and a bounded
 * FIFO queue. The broker limits new connections per address, and all logins come from the portal's address;
 * kept under that limit, a flood of logins is refused here (503) instead of using up the broker's allowance
 * and getting every later login refused by the broker too.
 */
export class CheckBudget {
  private tokens: number;
  private refilledAt: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Callers refused since the queue last had room. */
  refusedInARow = 0;

  constructor(private readonly o: CheckBudgetOptions) {
    this.now = o.now ?? Date.now;
    this.tokens = o.burst;
    this.refilledAt = this.now();
  }

  /** Runs `check` when its turn comes, or returns BUSY at once when the queue is full. */
  async run<T>(check: () => Promise<T>): Promise<T | typeof BUSY> {
    this.pump(); // tokens may have come back since the last check ended
    const started = this.startNow();
    if (!started && this.waiting.length >= this.o.queue) {
      this.refusedInARow++;
      return BUSY;
    }
    this.refusedInARow = 0;
    if (!started) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.pump();
      });
    }
    try {
      return await check();
    } finally {
      this.running--;
      this.pump();
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.o.perSecond);
    this.refilledAt = now;
  }

  private mayStart(): boolean {
    this.refill();
    return this.running < this.o.concurrency && this.tokens >= 1;
  }

  private startNow(): boolean {
    if (this.waiting.length > 0 || !this.mayStart()) return false;
    this.tokens--;
    this.running++;
    return true;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.mayStart()) {
      this.tokens--;
      this.running++;
      this.waiting.shift()?.();
    }
    if (this.waiting.length > 0 && this.running < this.o.concurrency && this.timer === undefined) {
      const ms = Math.ceil(((1 - this.tokens) / this.o.perSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, ms);
      this.timer.unref();
    }
  }
}
