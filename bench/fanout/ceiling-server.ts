import { WebSocketServer } from 'ws';
import { reframe, type FromCeiling, type ToCeiling } from './protocol.js';

/**
 * Child process of `npm run bench:fanout`: the ceiling. A plain `ws` server that sends a
 * captured graphql-ws `next` frame to every socket, with nothing in between: no protocol,
 * no GraphQL execution, no pub/sub. The frame is encoded once and sent as text, as cheaply
 * as `ws` allows. Exits when the orchestrator disconnects.
 */
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });

wss.on('listening', () => {
  const address = wss.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  process.send!({ type: 'listening', port } satisfies FromCeiling);
});

process.on('message', (m: ToCeiling) => {
  // The send time goes into the frame just before the loop, as a publish would stamp it.
  const frame = Buffer.from(reframe(m.template, m.seq));
  for (const socket of wss.clients) socket.send(frame, { binary: false });
});

process.on('disconnect', () => {
  for (const socket of wss.clients) socket.terminate();
  wss.close();
});
