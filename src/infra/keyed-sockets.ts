import type { WebSocket } from 'ws';
import type { ContextFactory } from '../context.js';
import type { Logger } from './logger.js';

/** graphql-ws's code for a connection whose credentials are refused. */
const FORBIDDEN = 4403;

/**
 * The graphql-ws sockets of this process that authenticated with an API key, by key. A
 * key is looked up on every HTTP request, but a socket authenticates once: `sweep` asks
 * every `intervalMs` which of the open sockets' keys no longer authenticate (revoked on any
 * process, expired) and closes their sockets with 4403, so a revocation reaches open
 * connections within one interval.
 */
export function keyedSockets() {
  const byKey = new Map<string, Set<WebSocket>>();
  return {
    add(socket: WebSocket, keyId: string) {
      let set = byKey.get(keyId);
      if (!set) byKey.set(keyId, (set = new Set()));
      set.add(socket);
      socket.once('close', () => {
        set.delete(socket);
        if (!set.size && byKey.get(keyId) === set) byKey.delete(keyId);
      });
    },
    sweep(contexts: ContextFactory, intervalMs: number, logger: Logger): NodeJS.Timeout {
      let running = false;
      const timer = setInterval(() => {
        if (running || !byKey.size) return;
        running = true;
        contexts
          .invalidKeys([...byKey.keys()])
          .then((invalid) => {
            for (const id of invalid) {
              for (const socket of byKey.get(id) ?? [])
                socket.close(FORBIDDEN, 'The API key was revoked or has expired');
            }
          })
          .catch((err: unknown) => logger.warn({ err }, 'checking API keys of open sockets failed'))
          .finally(() => (running = false));
      }, intervalMs);
      timer.unref();
      return timer;
    },
  };
}
