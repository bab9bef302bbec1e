import { sqlRows, type Em } from '../../infra/db.js';
import { Block } from './block.entity.js';
import type { BlockFacts } from './chat.policy.js';

/**
 * The blocks between `userId` and each of `others`, either way round: the facts `mayReach`
 * decides on. One statement; none when `others` is empty.
 */
export async function blockFacts(
  em: Em,
  userId: string,
  others: readonly string[],
): Promise<BlockFacts> {
  if (!others.length) return { blocks: [] };
  const rows = await em.find(Block, {
    $or: [
      { blocker: userId, blocked: { $in: [...others] } },
      { blocked: userId, blocker: { $in: [...others] } },
    ],
  });
  return { blocks: rows.map((b) => ({ blockerId: b.blocker.id, blockedId: b.blocked.id })) };
}

/**
 * Every block `userId` is on either side of, as plain rows: the facts of `mayReach` between
 * `userId` and anyone. One statement, shared by all subscribers of one event about `userId`
 * (typing, read receipts, presence), instead of one per subscriber.
 */
export async function blocksInvolving(em: Em, userId: string): Promise<BlockFacts> {
  const rows = await sqlRows<{ blocker_id: string; blocked_id: string }>(
    em,
    'select blocker_id, blocked_id from blocks where blocker_id = ? union all ' +
      'select blocker_id, blocked_id from blocks where blocked_id = ?',
    [userId, userId],
  );
  return { blocks: rows.map((r) => ({ blockerId: r.blocker_id, blockedId: r.blocked_id })) };
}
