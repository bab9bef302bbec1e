import type { Em } from '../../infra/db.js';
import { User } from './user.entity.js';

/**
 * How other features read users: by id, through the accounts feature, never through its
 * table. Ids are UUIDs; anything else cannot exist, and must not reach PostgreSQL's parser.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(id: string): boolean {
  return UUID.test(id);
}

/** The user with this id (any case), or null. By primary key: served from the identity map when loaded. */
export function findUser(em: Em, id: string): Promise<User | null> {
  return isId(id) ? em.findOne(User, { id: id.toLowerCase() }) : Promise.resolve(null);
}

/** The user with this id, which must exist (the author of something stored). */
export function getUser(em: Em, id: string): Promise<User> {
  return em.findOneOrFail(User, { id });
}

/** The users among `ids` that exist, in one statement. */
export function findUsers(em: Em, ids: readonly string[]): Promise<User[]> {
  if (!ids.length) return Promise.resolve([]);
  return em.find(User, { id: { $in: [...ids] } });
}

/**
 * The users among `ids` that exist, in one statement, as plain rows (every public property,
 * not the password hash): for showing, never for writing. Cheaper than entities for lists.
 */
export async function findUserRows(em: Em, ids: readonly string[]): Promise<User[]> {
  if (!ids.length) return [];
  return (await em
    .getDriver()
    .find<User>(
      User.name,
      { id: { $in: [...ids] } },
      { ctx: em.getTransactionContext() },
    )) as User[];
}

/** The roles of the users among `ids` that exist, one statement per 500 ids (rechecking live access). */
export async function findRoles(
  em: Em,
  ids: readonly string[],
): Promise<Pick<User, 'id' | 'role'>[]> {
  const found: Pick<User, 'id' | 'role'>[] = [];
  // One query per 500 ids: a long IN list is slow to plan and capped by SQLite's variables.
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    found.push(...(await em.find(User, { id: { $in: slice } }, { fields: ['id', 'role'] })));
  }
  return found;
}
