import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../infra/logger.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Answers a scrape: 401 (with `WWW-Authenticate`) unless `token` is unset or the request
 * carries `Authorization: Bearer <token>` (compared in constant time), else the registry in
 * Prometheus's text format.
 */
export function metricsHandler(registry: Registry, token: string | undefined, logger: Logger) {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return (req: IncomingMessage, res: ServerResponse) => {
    const given = req.headers.authorization;
    if (expected && !(given && timingSafeEqual(digest(given), expected))) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        logger.error({ err }, 'collecting metrics failed');
        res.writeHead(500).end();
      },
    );
  };
}

/** A server of its own for `/metrics` (every other path is 404); `url` once it listens. */
export async function listenForMetrics(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${bound}/metrics`, server };
}
