import type { Em } from '../../infra/db.js';
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
