import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { initOrm, migrate } from '../infra/db.js';
import { entities } from '../features.js';

/** `npm run migrate`: applies pending migrations to the configured database. */
const config = loadConfig();
const orm = await initOrm(config, { entities });
try {
  const applied = await migrate(orm);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
} finally {
  await orm.close();
}
