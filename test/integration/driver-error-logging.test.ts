import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { reportUnexpected } from '../../src/errors.js';
import { dbKind } from '../../src/infra/db.js';
import { createLogger } from '../../src/infra/logger.js';
import { User } from '../../src/modules/accounts/index.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

// Issue 11, item 5: a failed statement is logged by its code and the database's message,
// never with the values it tried to write (knex puts them, inlined, in the error message).

const SECRET_EMAIL = 'secret.person@example.com';
const SECRET_HASH = '$argon2id$v=19$m=65536,t=3,p=4$SECRET-HASH-VALUE';

for (const target of targets()) {
  describe(`driver errors in the log (${target.name})`, () => {
    let t: TestServer;
    const lines: string[] = [];
    before(async () => {
      const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
      t = await bootServer(target, 'driver-error-logging', { logger });
    });
    after(() => t.close());

    /** What the ORM throws for `row`, which must fail. */
    async function failedInsert(row: Partial<User>): Promise<Error> {
      const em = t.server.orm.em.fork();
      const now = new Date();
      const full = { role: 'USER', createdAt: now, updatedAt: now, ...row };
      const failed = await em.insert(User, full as User).then(
        () => null,
        (e: unknown) => e as Error,
      );
      assert.ok(failed, 'the insert should have failed');
      return failed;
    }

    /** Logs `error` as the server's paths do, then returns what was written. */
    function logged(error: Error): string {
      lines.length = 0;
      t.server.logger.error({ err: error }, 'unexpected error in a resolver');
      // The Apollo plugin and graphql-ws report a resolver's error wrapped by graphql-js.
      reportUnexpected(
        t.server.logger,
        new GraphQLError(error.message, { originalError: error, path: ['signUp'] }),
      );
      t.server.logger.warn({ err: new Error('could not publish', { cause: error }) }, 'wrapped');
      assert.equal(lines.length, 3, lines.join(''));
      return lines.join('');
    }

    it('should log a unique violation by its code, without the row it tried to write', async () => {
      const existing = await t.user('taken');
      const error = await failedInsert({
        id: randomUUID(),
        email: SECRET_EMAIL,
        passwordHash: SECRET_HASH,
        handle: 'taken',
        displayName: 'Someone',
      });
      // The test means something only if the error itself holds the secrets.
      assert.ok(error.message.includes(SECRET_EMAIL), error.message);
      assert.ok(error.message.includes('SECRET-HASH-VALUE'), error.message);
      const log = logged(error);
      for (const secret of [SECRET_EMAIL, 'SECRET-HASH-VALUE', existing.id]) {
        assert.ok(!log.includes(secret), `${secret} logged: ${log}`);
      }
      for (const line of lines) {
        const entry = JSON.parse(line) as { err: Record<string, unknown> };
        const code = dbKind(t.config) === 'postgresql' ? '23505' : 'SQLITE_CONSTRAINT_UNIQUE';
        assert.equal(entry.err.code, code, line);
        assert.match(String(entry.err.message), /unique/i, line);
        assert.match(line, /UniqueConstraintViolationException/, line);
        assert.match(String(entry.err.stack), /\n\s+at /, line);
      }
    });

    it('should log a value the database refuses without the value', async () => {
      // PostgreSQL cannot store NUL in text; SQLite refuses a NULL in a NOT NULL column.
      const postgres = dbKind(t.config) === 'postgresql';
      const error = await failedInsert({
        id: randomUUID(),
        email: postgres ? `${SECRET_EMAIL}\u0000` : SECRET_EMAIL,
        passwordHash: SECRET_HASH,
        handle: 'nul_handle',
        displayName: postgres ? 'Someone' : (null as never),
      });
      assert.ok(error.message.includes('SECRET-HASH-VALUE'), error.message);
      const log = logged(error);
      for (const secret of [SECRET_EMAIL, 'SECRET-HASH-VALUE']) {
        assert.ok(!log.includes(secret), `${secret} logged: ${log}`);
      }
      const entry = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
      // PostgreSQL refuses NUL in the protocol message (08P01) or as text (22021).
      const codes = postgres ? ['08P01', '22021'] : ['SQLITE_CONSTRAINT_NOTNULL'];
      assert.ok(codes.includes(String(entry.err.code)), lines[0]);
    });
  });
}
