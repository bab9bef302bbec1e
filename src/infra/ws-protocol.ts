import type { WebSocket, WebSocketServer } from 'ws';

/** graphql-transport-ws: "Invalid message received". */
const BAD_MESSAGE = 4400;
/** Messages only a server sends; a client is not allowed to send these. */
const SERVER_ONLY = /"type"\s*:\s*"(next|error|connection_ack)"/;

/**
 * Closes with 4400 a socket whose client sends a message only a server may send (`next`,
 * `error`, `connection_ack`). graphql-ws throws on those, and its `ws` adapter answers any throw with 4500
 * "Internal server error" and a console.error: a client's mistake would read as a fault of
 * the server. Installed before graphql-ws's own `connection` listener, it wraps the message
 * listener graphql-ws adds, so the message never reaches it.
 */
export function refuseServerOnlyMessages(wsServer: WebSocketServer): void {
  wsServer.on('connection', (socket: WebSocket) => {
    const on = socket.on.bind(socket) as (
      event: string,
      listener: (...a: unknown[]) => void,
    ) => WebSocket;
    socket.on = ((event: string, listener: (...a: unknown[]) => void) => {
      if (event !== 'message') return on(event, listener);
      return on(event, (data: unknown, ...rest: unknown[]) => {
        if (isServerOnly(data)) {
          socket.close(BAD_MESSAGE, 'Invalid message received');
          return;
        }
        listener(data, ...rest);
      });
    }) as WebSocket['on'];
  });
}

function isServerOnly(data: unknown): boolean {
  const text = String(data);
  if (!SERVER_ONLY.test(text)) return false;
  try {
    const message = JSON.parse(text) as { type?: unknown } | null;
    return (
      message?.type === 'next' || message?.type === 'error' || message?.type === 'connection_ack'
    );
  } catch {
    return false; // not JSON: graphql-ws closes it with 4400 itself
  }
}
