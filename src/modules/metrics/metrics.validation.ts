import { userActor } from '../../infra/activity.js';
import { AppError, badInput } from '../../errors.js';
import { isId } from '../accounts/index.js';
import type { TrackEventInput } from './metrics.inputs.js';
import { EventType } from './metrics.types.js';

export const MAX_EVENTS_PER_CALL = 500;
export const MAX_WATCH_SECONDS = 3600;
export const MAX_EVENT_AGE_MS = 24 * 3600_000;
export const MAX_EVENT_LEAD_MS = 60_000;
const ANONYMOUS_ID = /^[\w.:-]{8,100}$/;

/** The key events are counted under: the signed-in user, else the client's anonymous id. */
export function viewerKey(userId: string | undefined, anonymousId: string | null): string | null {
  if (userId) return userActor(userId);
  if (anonymousId === null) return null;
  if (!ANONYMOUS_ID.test(anonymousId)) {
    throw badInput('x-anonymous-id', 'must be 8 to 100 letters, digits or . _ : -');
  }
  return `a:${anonymousId}`;
}

/**
 * The checks that need no database: an AppError naming `events[i].<field>` when the event
 * cannot count, else its time. Content existence and visibility are checked by the caller.
 */
export function checkEvent(e: TrackEventInput, i: number, now: number): AppError | number {
  const field = (name: string) => `events[${i}].${name}`;
  if (e.id.length < 1 || e.id.length > 100)
    return badInput(field('id'), 'must be 1 to 100 characters');
  if (!isId(e.contentId)) return badInput(field('contentId'), 'no published content with this id');
  if (e.type === EventType.WATCH) {
    const s = e.watchSeconds;
    if (s === null || s === undefined) return badInput(field('watchSeconds'), 'required for WATCH');
    if (!Number.isFinite(s) || s <= 0 || s > MAX_WATCH_SECONDS) {
      return badInput(
        field('watchSeconds'),
        `must be more than 0 and at most ${MAX_WATCH_SECONDS}`,
      );
    }
  } else if (e.watchSeconds !== null && e.watchSeconds !== undefined) {
    return badInput(field('watchSeconds'), 'only WATCH events carry watchSeconds');
  }
  const at = e.occurredAt ? e.occurredAt.getTime() : now;
  if (at < now - MAX_EVENT_AGE_MS)
    return badInput(field('occurredAt'), 'is more than 24 hours old');
  if (at > now + MAX_EVENT_LEAD_MS)
    return badInput(field('occurredAt'), 'is more than a minute in the future');
  return at;
}
