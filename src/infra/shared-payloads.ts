import type { WebSocket, WebSocketServer } from 'ws';

/**
 * One serialisation per shared result. graphql-ws serialises every `next` message itself,
 * `{ id, type, payload }`, so N subscribers of one shared execution would turn the same
 * result into JSON N times. Its `jsonMessageReplacer` puts a placeholder in the `payload`
 * slot and notes the payload's JSON (made once per result's `data`), and the socket's
 * `send`, which graphql-ws calls right after serialising, puts the JSON in the placeholder's
 * place. Only the short envelope, with the subscription's own `id`, is made per socket.
 */
const PLACEHOLDER = '\u0000payload\u0000';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

export function sharedPayloads(wsServer: WebSocketServer) {
  const json = new WeakMap<object, string>();
  // Set by the replacer, taken by the next send (graphql-ws calls both in one turn).
  let pending: string | undefined;

  const serialise = (payload: Record<string, unknown>): string => {
    const data = payload.data;
    const plain = Object.keys(payload).length === 1 && typeof data === 'object' && data !== null;
    if (!plain) return JSON.stringify(payload);
    let text = json.get(data);
    if (text === undefined) json.set(data, (text = JSON.stringify(payload)));
    return text;
  };

  wsServer.on('connection', (socket: WebSocket) => {
    const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
    socket.send = ((data: unknown, cb?: (err?: Error) => void) => {
      if (pending !== undefined && typeof data === 'string') {
        // The payload is the envelope's last member: a client's `id` cannot be mistaken for it.
        const at = data.lastIndexOf(PLACEHOLDER_JSON);
        if (at >= 0) data = data.slice(0, at) + pending + data.slice(at + PLACEHOLDER_JSON.length);
        pending = undefined;
      }
      send(data, cb);
    }) as WebSocket['send'];
  });

  /** graphql-ws's `jsonMessageReplacer`. */
  return function replacer(this: unknown, key: string, value: unknown): unknown {
    const message = this as { type?: unknown } | null;
    if (
      key === 'payload' &&
      message?.type === 'next' &&
      typeof value === 'object' &&
      value !== null
    ) {
      pending = serialise(value as Record<string, unknown>);
      return PLACEHOLDER;
    }
    return value;
  };
}
