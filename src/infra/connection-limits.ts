import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Close code of a socket refused because its client address already holds
 * `connectionsPerAddress` sockets. Not 4429: graphql-ws reserves that for "too many
 * initialisation requests" and its client treats it as fatal; 4029 keeps the 429 reading
 * and lets the client retry with its backoff.
 */
export const CLOSE_TOO_MANY_FROM_ADDRESS = 4029;
/** Close code of a socket refused because the process already holds `connections` sockets. */
export const CLOSE_SERVER_FULL = 4503;

export interface ConnectionLimits {
  /** Sockets this process holds at once, whoever opened them. */
  connections: number;
  /** Sockets one client address holds at once on this process. */
  connectionsPerAddress: number;
}

/**
 * The client address of an upgrade request, as Express's `req.ip` gives it for HTTP with
 * `trust proxy` set to `trustProxy`: with a trusted proxy, the leftmost `X-Forwarded-For`
 * entry; otherwise the socket's peer.
 */
export function upgradeAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')[0]
    ?.trim();
  return first || peer;
}

/**
 * Counts the open sockets of `wsServer`, in all and per client address, and refuses one
 * over either limit: the upgrade completes, then the socket is closed at once with
 * CLOSE_SERVER_FULL or CLOSE_TOO_MANY_FROM_ADDRESS and a readable reason. Closing rather
 * than answering the upgrade with 429/503 is deliberate: a browser's WebSocket reports a
 * refused upgrade as a bare 1006 (indistinguishable from a network failure), whereas
 * graphql-ws's client hands the close code and reason to `on.closed` and, once its retries
 * are spent, to every pending subscription's `error`.
 *
 * Install it before graphql-ws's `useServer`, so that its `connection` listener runs first;
 * a refused socket is no longer OPEN when graphql-ws sees its messages. A socket counts
 * from the upgrade until its `close` event, so a closed socket frees its slot at once.
 */
export function limitConnections(
  wsServer: WebSocketServer,
  limits: ConnectionLimits,
  addressOf: (req: IncomingMessage) => string,
): void {
  const byAddress = new Map<string, number>();
  let open = 0;
  wsServer.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const address = addressOf(req);
    const held = byAddress.get(address) ?? 0;
    if (open >= limits.connections) {
      socket.close(CLOSE_SERVER_FULL, 'Too many connections to this server; retry later');
      return;
    }
    if (held >= limits.connectionsPerAddress) {
      socket.close(
        CLOSE_TOO_MANY_FROM_ADDRESS,
        `At most ${limits.connectionsPerAddress} connections per client address`,
      );
      return;
    }
    open++;
    byAddress.set(address, held + 1);
    socket.once('close', () => {
      open--;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address); // the map holds only addresses with open sockets
    });
  });
}
