import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DateTimeType } from '@mikro-orm/core';
import { dbKind, migrate, schemaDrift } from '../../src/infra/db.js';
import { User } from '../../src/modules/accounts/index.js';
import { Comment, Content, Like } from '../../src/modules/content/index.js';
import { bootServer, type TestServer } from '../helpers/server.js';
import { targets } from '../helpers/targets.js';

for (const target of targets()) {
  describe(`migrations (${target.name})`, () => {
    let t: TestServer;
    before(async () => {
      t = await bootServer(target, 'migrations');
    });
    after(() => t.close());

    const sql = async (query: string) =>
      (await t.server.orm.em.getConnection().execute(query)) as Record<string, unknown>[];

    it('should have applied every migration in the folder at start', async () => {
      const folder = join(process.cwd(), 'migrations', dbKind(t.config));
      const files = readdirSync(folder)
        .filter((f) => /^Migration\d+\.ts$/.test(f))
        .map((f) => f.replace(/\.ts$/, ''))
        .sort();
      assert.ok(files.length > 0, `no migrations in ${folder}`);
      const executed = await t.server.orm.getMigrator().getExecutedMigrations();
      assert.deepEqual(executed.map((m) => m.name).sort(), files);
      assert.deepEqual(await t.server.orm.getMigrator().getPendingMigrations(), []);
    });

    it('should leave no drift between the entities and the migrated database', async () => {
      const drift = await schemaDrift(t.server.orm);
      assert.equal(drift, '', `entities and migrations disagree; the diff is:\n${drift}`);
    });

    it('should see drift when the database differs from the entities', async () => {
      // Proves the check above can fail: an index no entity declares must show up.
      await sql('create index stray_users_bio_index on users (bio)');
      try {
        assert.match(await schemaDrift(t.server.orm), /stray_users_bio_index/);
      } finally {
        await sql('drop index stray_users_bio_index');
      }
      assert.equal(await schemaDrift(t.server.orm), '');
    });

    it('should write nothing when flushing entities that did not change', async () => {
      const ann = await t.user('flush_ann');
      const { createContent } = await ann.client.CreateContent({
        input: { kind: 'ARTICLE', title: 'Unchanged', body: 'Nothing to write.', tags: ['x'] },
      });
      await ann.client.PublishContent({ id: createContent.id });
      await ann.client.AddComment({ contentId: createContent.id, body: 'A comment' });
      await ann.client.LikeContent({ id: createContent.id });
      const em = t.server.orm.em.fork();
      const loaded = await Promise.all(
        [User, Content, Comment, Like].map((entity) => em.find(entity, {})),
      );
      assert.ok(loaded.every((rows) => rows.length > 0));
      t.queries.length = 0;
      await em.flush();
      // Before every date became `type: Date`, SQLite rewrote each datetime column here.
      assert.deepEqual(t.queries, []);
    });

    it('should map every date property as Date, which compares without spurious changes', () => {
      const datetimes = Object.values(t.server.orm.getMetadata().getAll()).flatMap((meta) =>
        meta.props
          .filter((p) => p.type === 'datetime' || p.customType instanceof DateTimeType)
          .map((p) => `${meta.className}.${p.name}`),
      );
      assert.deepEqual(datetimes, []);
    });

    it('should do nothing when migrating again', async () => {
      const executed = await t.server.orm.getMigrator().getExecutedMigrations();
      assert.deepEqual(await migrate(t.server.orm), []);
      assert.deepEqual(await t.server.orm.getMigrator().getExecutedMigrations(), executed);
      assert.equal(await schemaDrift(t.server.orm), '');
    });

    it('should have created the full-text search objects', async () => {
      if (target.name === 'sqlite') {
        const objects = await sql(
          `select type, name, sql from sqlite_master where name = 'content_fts' or tbl_name = 'contents' and type = 'trigger' order by name`,
        );
        const fts = objects.find((o) => o.name === 'content_fts');
        assert.equal(fts?.type, 'table');
        assert.match(String(fts?.sql), /using fts5/i);
        assert.deepEqual(
          objects.filter((o) => o.type === 'trigger').map((o) => o.name),
          ['contents_fts_delete', 'contents_fts_insert', 'contents_fts_update'],
        );
      } else {
        const [column] = await sql(
          `select data_type, is_generated from information_schema.columns
            where table_schema = current_schema() and table_name = 'contents' and column_name = 'search_vector'`,
        );
        assert.deepEqual(column, { data_type: 'tsvector', is_generated: 'ALWAYS' });
        const [index] = await sql(
          `select indexdef from pg_indexes
            where schemaname = current_schema() and tablename = 'contents' and indexname = 'contents_search_vector_index'`,
        );
        assert.match(String(index?.indexdef), /using gin \(search_vector\)/i);
      }
    });
  });
}
