import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// The graphql-transport-ws protocol broken by the client: closed with a client code (4400),
// never 4500, and the server keeps serving.

/**
 * Opens a raw socket and sends `messages`, then `afterAck` once acknowledged; resolves with
 * the close code and what the server sent. With `until`, the client closes (1000) once a
 * message matches it.
 */
function session(
  wsUrl: string,
  messages: unknown[],
  { afterAck = [], until }: { afterAck?: unknown[]; until?: (message: string) => boolean } = {},
): Promise<{ code: number; received: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const received: string[] = [];
    socket.on('open', () => {
      for (const m of messages) socket.send(JSON.stringify(m));
    });
    socket.on('message', (data: Buffer) => {
      received.push(data.toString());
      if (data.toString().includes('"connection_ack"')) {
        for (const m of afterAck) socket.send(JSON.stringify(m));
      }
      if (until?.(data.toString())) socket.close(1000);
    });
    socket.on('close', (code: number) => resolve({ code, received }));
    socket.on('error', reject);
  });
}

for (const target of targets()) {
  describe(`graphql-ws protocol errors (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'ws-protocol');
    });
    after(() => t.close());

    for (const type of ['next', 'error'] as const) {
      it(`should close with 4400 a client that sends a ${type} message`, async () => {
        const { code } = await session(t.server.wsUrl, [
          { type: 'connection_init' },
          { type, id: '1', payload: type === 'next' ? {} : [] },
        ]);
        assert.equal(code, 4400);
      });
    }

    // Found by the fuzz (seed 20261202): graphql-ws threw on it, which read as 4500.
    it('should close with 4400 a client that sends a connection_ack, before or after its own ack', async () => {
      const early = await session(t.server.wsUrl, [
        { type: 'connection_init' },
        { type: 'connection_ack' },
      ]);
      assert.equal(early.code, 4400);
      const late = await session(t.server.wsUrl, [{ type: 'connection_init' }], {
        afterAck: [{ type: 'connection_ack' }],
      });
      assert.equal(late.code, 4400);
    });

    it('should keep serving other sockets after refusing one', async () => {
      await session(t.server.wsUrl, [{ type: 'connection_init' }, { type: 'next', id: '1' }]);
      const { code, received } = await session(t.server.wsUrl, [{ type: 'connection_init' }], {
        afterAck: [{ type: 'subscribe', id: '1', payload: { query: '{ me { id } }' } }],
        until: (m) => m.includes('"complete"'),
      });
      assert.equal(code, 1000);
      assert.ok(
        received.some((m) => m.includes('"me":null')),
        received.join('\n'),
      );
    });
  });
}
