import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { loadConfig } from '../config.js';
import { ormOptions } from '../infra/db.js';
import { entities } from '../features.js';

/**
 * Developer tool: writes a migration for the configured database (SQLite by default,
 * PostgreSQL with DATABASE_URL) from the difference between the entities and the
 * committed snapshot. Run it for both databases after changing an entity.
 */
const config = loadConfig();
const options = ormOptions(config, { entities });
const orm = await MikroORM.init({
  ...options,
  preferTs: true,
  migrations: { ...options.migrations, snapshot: true },
});
try {
  const result = await orm.getMigrator().createMigration(undefined, false, false, process.argv[2]);
  console.log(result.diff.up.length ? `Wrote ${result.fileName}` : 'No changes: nothing written');
} finally {
  await orm.close();
}
