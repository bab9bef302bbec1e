import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { launch } from '../helpers/process.js';
import { targets } from '../helpers/targets.js';

/** What `node dist/src/main.js` logs on stdout (not a terminal here) with `env`. */
async function startupLog(storage: Record<string, string>, env: Record<string, string>) {
  const run = launch({ HOST: '127.0.0.1', PORT: '0', SHUTDOWN_GRACE_MS: '0', ...storage, ...env });
  await run.url;
  run.child.kill('SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr());
  return run.stdout;
}

const json = (line: string) => {
  try {
    return JSON.parse(line) as { level: number; msg: string };
  } catch {
    return null;
  }
};
const serving = (line: string) => line.includes('Marquee is serving');

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_KEY_SECRET: randomBytes(32).toString('hex'),
  ADS_TOKEN_SECRET: randomBytes(32).toString('hex'),
  CHAT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

for (const target of targets()) {
  describe(`log format of the server process (${target.name})`, () => {
    it('should log pretty lines in development, JSON when LOG_FORMAT=json says so', async () => {
      const storage = await target.provision('log-format');
      try {
        const pretty = await startupLog(storage.env, { NODE_ENV: 'development' });
        const line = pretty.find(serving);
        assert.ok(line, pretty.join('\n'));
        assert.equal(json(line), null, 'not JSON');
        assert.match(line, /INFO.*Marquee is serving http:\/\/127\.0\.0\.1:\d+\/graphql/);
        assert.ok(pretty.some((l) => l.includes('draining')));

        const overridden = await startupLog(storage.env, {
          NODE_ENV: 'development',
          LOG_FORMAT: 'json',
        });
        assert.equal(json(overridden.find(serving)!)?.level, 30);
      } finally {
        await storage.drop();
      }
    });

    it('should log JSON in production and when NODE_ENV is unset and stdout is piped', async () => {
      const storage = await target.provision('log-format');
      try {
        for (const env of [PRODUCTION, {}]) {
          const lines = await startupLog(storage.env, env);
          const logged = lines.filter((l) => !l.startsWith('Marquee GraphQL API: '));
          assert.ok(logged.length > 0);
          assert.ok(
            logged.every((l) => json(l) !== null),
            logged.join('\n'),
          );
          assert.ok(logged.some((l) => json(l)!.msg.startsWith('Marquee is serving')));
        }
      } finally {
        await storage.drop();
      }
    });
  });
}
