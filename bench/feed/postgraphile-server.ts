import { createServer } from 'node:http';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';

// npm hoists graphile-build-pg beside Marquee's graphql 16, so it gets a graphql 15 copy of
// its own, apart from postgraphile's: two instances of graphql fail every query ("Unexpected
// input type"). This process runs nothing else: every `graphql` it requires is postgraphile's.
const require = createRequire(import.meta.url);
const graphql15 = dirname(
  require.resolve('graphql/package.json', { paths: [dirname(require.resolve('postgraphile'))] }),
);
type Resolve = (
  request: string,
  parent: { filename?: string } | undefined,
  ...rest: unknown[]
) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, parent, ...rest) {
  if (request === 'graphql' || request.startsWith('graphql/'))
    return resolve.call(this, request.replace(/^graphql/, graphql15), parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};
const { postgraphile } = require('postgraphile') as typeof import('postgraphile');

/**
 * bench:feed's comparison server: PostGraphile 4 as a middleware on node:http, over the
 * `postgraphile_bench` schema (see seed.ts), verifying Marquee's own tokens (HS256, issuer
 * `marquee`) so that `jwt.claims.sub` is the viewer. Runs in its own process; tells its
 * parent (IPC) when it listens.
 */
const middleware = postgraphile(process.env.DATABASE_URL, 'postgraphile_bench', {
  jwtSecret: process.env.JWT_SECRET,
  jwtVerifyOptions: { issuer: 'marquee', algorithms: ['HS256'], audience: undefined },
  disableDefaultMutations: true,
  disableQueryLog: true,
  retryOnInitFail: false,
  graphiql: false,
  enableQueryBatching: false,
});
const server = createServer(middleware);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.once('SIGTERM', () => {
  server.close();
  process.exit(0);
});
