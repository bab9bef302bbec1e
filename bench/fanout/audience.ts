import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { forkSubscribers } from './processes.js';
import type { DeliveryReport, FromSubscribers, ToSubscribers } from './protocol.js';

/**
 * The orchestrator's handle on the subscriber process: requests with their answers, and
 * the progress it reports (every socket receiving; each message delivered to all).
 */
export class Audience {
  private readonly child: ChildProcess = forkSubscribers();
  private readonly completed = new Set<number>();
  private readonly waiting = new Map<number, () => void>();
  private readonly answers: { type: FromSubscribers['type']; resolve: () => void }[] = [];
  private failures: ((e: Error) => void)[] = [];
  private failure: Error | undefined;
  private allReceiving = false;
  private lastReport: DeliveryReport | undefined;
  private lastCount = 0;
  private closing = false;

  constructor() {
    this.child.on('message', (m: FromSubscribers) => this.onMessage(m));
    this.child.once('exit', (code, signal) => {
      if (!this.closing) this.fail(new Error(`the subscriber process died (${code ?? signal})`));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends `message` and resolves on the answer of type `answer`. */
  async request(message: ToSubscribers, answer: FromSubscribers['type']): Promise<void> {
    const answered = new Promise<void>((resolve) => this.answers.push({ type: answer, resolve }));
    this.child.send(message);
    await this.guard(answered, 300_000, `no ${answer} from the subscriber process`);
  }

  tell(message: ToSubscribers): void {
    this.child.send(message);
  }

  async report(): Promise<DeliveryReport> {
    await this.request({ type: 'report' }, 'report');
    return this.lastReport!;
  }

  /** True once every socket has received a benchmark message. */
  get receiving(): boolean {
    return this.allReceiving;
  }

  /** How many sockets have received message `seq` so far. */
  async count(seq: number): Promise<number> {
    await this.request({ type: 'count', seq }, 'count');
    return this.lastCount;
  }

  /** Resolves when every socket has received message `seq`. Call it before sending. */
  delivered(seq: number, ms: number): Promise<void> {
    if (this.completed.delete(seq)) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiting.set(seq, resolve));
    return this.guard(done, ms, `message ${seq} did not reach every subscriber in ${ms} ms`);
  }

  /** Closes every socket; the process then exits. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = once(this.child, 'exit');
    this.child.send({ type: 'close' } satisfies ToSubscribers);
    await exited;
  }

  private onMessage(m: FromSubscribers): void {
    if (m.type === 'failed') return this.fail(new Error(m.error));
    if (m.type === 'receiving') this.allReceiving = true;
    if (m.type === 'complete') {
      const resolve = this.waiting.get(m.seq);
      if (resolve) {
        this.waiting.delete(m.seq);
        resolve();
      } else this.completed.add(m.seq);
    }
    if (m.type === 'report') this.lastReport = m.report;
    if (m.type === 'count') this.lastCount = m.count;
    const i = this.answers.findIndex((a) => a.type === m.type);
    if (i >= 0) this.answers.splice(i, 1)[0]!.resolve();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const reject of this.failures.splice(0)) reject(e);
  }

  /** `work`, unless the subscriber process fails or `ms` pass first. */
  private guard<T>(work: Promise<T>, ms: number, timeout: string): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    let timer: NodeJS.Timeout | undefined;
    let onFailure: ((e: Error) => void) | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        onFailure = reject;
        this.failures.push(reject);
        timer = setTimeout(() => reject(new Error(timeout)), ms);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      this.failures = this.failures.filter((f) => f !== onFailure);
    });
  }
}
