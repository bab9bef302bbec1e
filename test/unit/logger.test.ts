import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createProcessLogger } from '../../src/infra/logger.js';
import { deferred } from '../helpers/errors.js';

/** A destination stream that keeps what is written, and resolves `first` on the first line. */
function capture() {
  const lines: string[] = [];
  const first = deferred<string>();
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(String(chunk));
      first.resolve(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { lines, first: first.promise });
}

// Which format a process picks, and pino-pretty's absence: neither can be arranged through
// the server (its dev dependencies are installed here; logging-format.test.ts runs the
// process itself for the rest).
describe('log format', () => {
  it('should pick pretty in development and JSON elsewhere, LOG_FORMAT overriding', () => {
    const format = (env: Record<string, string>, terminal: boolean) =>
      loadConfig(env, terminal).logFormat;
    assert.equal(format({ NODE_ENV: 'development' }, false), 'pretty');
    assert.equal(format({}, true), 'pretty', 'unset, on a terminal');
    assert.equal(format({}, false), 'json', 'unset, piped');
    assert.equal(format({ NODE_ENV: 'test' }, true), 'json');
    assert.equal(format({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(format({ NODE_ENV: 'test', LOG_FORMAT: 'pretty' }, false), 'pretty');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'yaml' }), /LOG_FORMAT/);
  });

  it('should write pretty lines through pino-pretty, redacting as JSON does', async () => {
    const out = capture();
    const logger = await createProcessLogger('info', 'pretty', { destination: out });
    logger.info({ user: { password: 'hunter2' } }, 'hello there');
    const line = await out.first;
    assert.match(line, /INFO.*hello there/);
    assert.throws(() => JSON.parse(line) as unknown);
    assert.equal(out.lines.join('').includes('hunter2'), false);
  });

  it('should fall back to JSON, saying why, when pino-pretty is not installed', async () => {
    const out = capture();
    const missing = Object.assign(new Error("Cannot find package 'pino-pretty'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const logger = await createProcessLogger('info', 'pretty', {
      destination: out,
      load: () => Promise.reject(missing),
    });
    logger.info('hello there');
    const [warning, info] = out.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.equal(warning?.level, 40);
    assert.match(warning!.msg, /pino-pretty .* not installed: logging JSON/);
    assert.deepEqual([info?.level, info?.msg], [30, 'hello there']);
  });
});
