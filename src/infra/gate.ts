/**
 * At most `size` tasks run at once; the others wait, in arrival order, without a timer.
 * For work that arrives in bursts and queries the database: 5 000 WebSockets connecting and
 * subscribing at once queued thousands of queries on a pool of 10, and those at the back
 * waited past the pool's acquire timeout (SERVICE_UNAVAILABLE). Behind a gate the same work
 * runs at the same pace, and the pool's queue stays short.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Gate size ${size}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    // The slot is handed over by the task that ends (`finally`): `running` stays counted.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting (tests, metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
