import type { ExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { deferred } from '../errors.js';
import { connect, type Connection } from '../ws.js';
import type { Operation } from './operations.js';
import type { RawWsSession } from './raw.js';
import { errorProblems, isClientCloseCode, shown, type Findings } from './verdict.js';

const HANG_MS = 60_000;
/**
 * How long a subscription that neither failed nor sent an event is watched before it is
 * ended: a bound on how long a case runs, not an assertion (a refusal comes in milliseconds).
 */
const SUBSCRIPTION_WATCH_MS = 150;

/** Closes a well-behaved client may get: the server going away, or a message too big. */
const CLIENT_CLOSE_CODES = new Set([1000, 1001, 1009]);

const settle = (ms: number) =>
  new Promise<'settled'>((r) => setTimeout(() => r('settled'), ms).unref());

/**
 * One graphql-ws connection per viewer, reopened when the server closes it; a close the
 * client did not ask for is a finding.
 */
export class WsViewer {
  private conn: Connection | null = null;
  private closing = false;

  constructor(
    readonly label: string,
    private readonly wsUrl: string,
    private readonly params: Record<string, unknown> | undefined,
    private readonly findings: Findings,
  ) {}

  /** Runs `op` on the connection; records error payloads and unexpected closes. */
  async run(op: Operation): Promise<void> {
    const conn = await this.connection();
    const { kind: _k, root: _r, ...payload } = op;
    const request = { viewer: this.label, ...payload };
    this.current = request;
    const kind = `WS ${op.kind}`;
    const results: ExecutionResult[] = [];
    const done = deferred<unknown>();
    const unsubscribe = conn.client.subscribe(payload, {
      next: (r) => {
        results.push(r as ExecutionResult);
        if (op.kind === 'subscription') done.resolve('next');
      },
      error: (e) => done.resolve(e),
      complete: () => done.resolve('complete'),
    });
    const outcome = await Promise.race([
      done.promise,
      settle(op.kind === 'subscription' ? SUBSCRIPTION_WATCH_MS : HANG_MS),
    ]);
    unsubscribe();
    this.findings.saw(
      Array.isArray(outcome)
        ? `error ${String(outcome[0]?.extensions?.code)}`
        : results.length
          ? `next ${String(results[0]!.errors?.[0]?.extensions?.code ?? 'data')}`
          : String(outcome === 'settled' || outcome === 'complete' ? outcome : 'closed'),
    );
    if (outcome === 'settled' && op.kind !== 'subscription') {
      this.findings.add(kind, op.root, 'no answer', request, 'nothing');
    }
    for (const r of results) {
      for (const p of errorProblems(r.errors as never))
        this.findings.add(kind, op.root, p, request, r);
    }
    if (Array.isArray(outcome)) {
      for (const p of errorProblems(outcome))
        this.findings.add(kind, op.root, `error message ${p}`, request, outcome);
    }
    // A CloseEvent as the outcome is recorded by the `closed` handler, with `current`.
  }

  /** The request running when the server closed the socket: the likely cause. */
  private current: unknown = null;

  private async connection(): Promise<Connection> {
    if (this.conn) return this.conn;
    const conn = connect(this.wsUrl, this.params);
    this.conn = conn;
    void conn.closed.then((code) => {
      if (this.conn === conn) this.conn = null;
      if (!this.closing && !CLIENT_CLOSE_CODES.has(code)) {
        this.findings.add(
          'WS connection',
          this.label,
          `closed by the server with ${code}`,
          this.current,
          code,
        );
      }
    });
    await Promise.race([conn.connected, conn.closed]);
    return conn;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.conn?.close();
  }
}

/**
 * Plays a malformed session on a raw socket, then pings; ends when the server answers the
 * ping or closes. Records internal errors in any payload and internal close codes.
 */
export async function fuzzRawWs(wsUrl: string, session: RawWsSession, findings: Findings) {
  const request = {
    protocol: session.protocol,
    messages: session.messages.map((m) =>
      shown(typeof m === 'string' ? m : `<binary ${m.toString('hex')}>`),
    ),
  };
  const socket = new WebSocket(wsUrl, session.protocol);
  const closed = deferred<number>();
  const ponged = deferred<void>();
  const acked = deferred<void>();
  const received: unknown[] = [];
  socket.on('close', (code) => closed.resolve(code));
  socket.on('error', () => undefined); // the close that follows carries the outcome
  socket.on('message', (data) => {
    let m: { type?: string; payload?: unknown } = {};
    try {
      m = JSON.parse(String(data)) as typeof m;
    } catch {
      findings.add('WS raw', 'socket', 'a message that is not JSON', request, String(data));
    }
    received.push(m);
    if (m.type === 'pong') ponged.resolve();
    if (m.type === 'connection_ack') acked.resolve();
    const errors =
      m.type === 'error' ? m.payload : (m.payload as ExecutionResult | undefined)?.errors;
    if (Array.isArray(errors)) {
      for (const p of errorProblems(errors)) findings.add('WS raw', String(m.type), p, request, m);
    }
  });
  let refused = 0;
  socket.on('unexpected-response', (req, res) => {
    refused = res.statusCode ?? 0;
    req.destroy();
  });
  const opened = await Promise.race([
    new Promise<boolean>((r) => socket.once('open', () => r(true))),
    closed.promise.then(() => false),
  ]);
  if (!opened) {
    // The handshake failed (an upgrade refused, no subprotocol agreed): only a 5xx is a fault.
    findings.saw(`refused ${refused}`);
    if (refused >= 500)
      findings.add('WS raw', 'upgrade', `upgrade answered ${refused}`, request, refused);
    return;
  }
  for (const m of session.messages) {
    if (socket.readyState !== WebSocket.OPEN) break;
    socket.send(m);
    // The server acknowledges asynchronously: what follows an init must find the session
    // open, not be refused (4401) for arriving before the acknowledgement.
    if (typeof m === 'string' && m.startsWith('{"type":"connection_init"')) {
      await Promise.race([acked.promise, closed.promise, settle(HANG_MS)]);
    }
  }
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'ping' }));
  await Promise.race([ponged.promise, closed.promise, settle(HANG_MS)]);
  if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  const code = await Promise.race([closed.promise, settle(HANG_MS).then(() => -1)]);
  findings.saw(`closed ${code}`);
  if (code === -1) findings.add('WS raw', 'socket', 'the socket never closed', request, received);
  else if (!isClientCloseCode(code))
    findings.add('WS raw', 'socket', `closed with ${code}`, request, received);
}
