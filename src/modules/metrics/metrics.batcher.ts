/**
 * Group commit: calls submitted while a write is under way wait for the next one, which
 * takes them all (up to `maxSize` of their weight), so under load each database transaction
 * carries many calls and under no load a call waits for nothing (it goes at the next turn of
 * the event loop). A write's outcome is one result per call, in order; when the write
 * fails, every call of it fails with its error. Each call's promise settles only once its
 * write has settled: a caller never hears of a result that is not committed.
 */
export class Batcher<I, O> {
  private queue: { item: I; weight: number; settle: Settle<O> }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: {
      /** Weight (events) one write takes at most; a heavier single item goes alone. */
      maxSize: number;
      /** Writes under way at once (1 for SQLite's single writer). */
      concurrency: number;
    },
  ) {}

  submit(item: I, weight: number): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, weight, settle: { resolve, reject } });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.concurrency || !this.queue.length) return;
    this.scheduled = true;
    // setImmediate: the calls whose requests are being read in this turn join the write.
    setImmediate(() => {
      this.scheduled = false;
      void this.next();
    });
  }

  private async next(): Promise<void> {
    if (this.running >= this.options.concurrency || !this.queue.length) return;
    let weight = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || weight + this.queue[n]!.weight <= this.options.maxSize)
    )
      weight += this.queue[n++]!.weight;
    const taken = this.queue.splice(0, n);
    this.running++;
    this.schedule();
    try {
      const results = await this.write(taken.map((t) => t.item));
      for (const [i, t] of taken.entries()) t.settle.resolve(results[i]!);
    } catch (err) {
      for (const t of taken) t.settle.reject(err);
    } finally {
      this.running--;
      this.schedule();
    }
  }
}

interface Settle<O> {
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}
