import { registerEnumType } from 'type-graphql';
import type { Em } from '../../infra/db.js';
import type { User } from '../accounts/index.js';

export enum Visibility {
  PUBLIC = 'PUBLIC',
  SIGNED_IN = 'SIGNED_IN',
  MEMBERS = 'MEMBERS',
  TIERS = 'TIERS',
}
registerEnumType(Visibility, {
  name: 'Visibility',
  valuesConfig: {
    SIGNED_IN: { description: 'Any signed-in user.' },
    MEMBERS: { description: "Members of any of the author's tiers, free ones included." },
    TIERS: { description: 'Members of the tiers listed in `tiers`.' },
  },
});

/** What the body rule needs of a content: plain data, as rows, entities and events carry it. */
export interface BodyFacts {
  authorId: string;
  visibility: Visibility;
  tierIds: readonly string[];
}

/**
 * What a viewer holds at one moment, read once per request (per event in subscriptions):
 * enough to decide every content of a list without another query, and to narrow a search
 * in SQL.
 */
export interface AccessGrants {
  viewerId: string | null;
  /** Moderators and admins: every body. */
  all: boolean;
  /** Creators of whose tiers the viewer holds a membership that gives access now. */
  creatorIds: ReadonlySet<string>;
  /** The tiers of those memberships. */
  tierIds: ReadonlySet<string>;
}

/**
 * Who may read a gated body: decided by the memberships feature (its policy's
 * `canReadBody`), which provides it here, so content never reads memberships' tables and
 * every surface of content asks the same rule.
 */
export interface BodyAccessRule {
  grants(em: Em, viewer: User | null, now: Date): Promise<AccessGrants>;
  canReadBody(grants: AccessGrants, content: BodyFacts): boolean;
  /**
   * The tier ids a content of `authorId` may be gated by, validated (BAD_USER_INPUT when one
   * is not the author's own tier), de-duplicated.
   */
  checkTiers(em: Em, authorId: string, tierIds: readonly string[]): Promise<string[]>;
}

/** Where the memberships feature plugs its rule in; until it does, no gated body is shown. */
export class ContentAccess {
  private rule: BodyAccessRule | null = null;

  provide(rule: BodyAccessRule): void {
    if (this.rule) throw new Error('A body access rule is already provided');
    this.rule = rule;
  }

  get(): BodyAccessRule {
    if (!this.rule) throw new Error('No body access rule: list the memberships feature');
    return this.rule;
  }

  /**
   * Whether `viewerId` may read each content's body. `grants` is read only when one of them
   * is gated and not the viewer's own: public content costs no query.
   */
  async decide(
    viewerId: string | null,
    contents: readonly BodyFacts[],
    grants: () => Promise<AccessGrants>,
  ): Promise<boolean[]> {
    const rule = this.get();
    const needed = contents.some((c) => isGated(c.visibility) && c.authorId !== viewerId);
    const held = needed ? await grants() : ownGrants(viewerId);
    return contents.map((c) => rule.canReadBody(held, c));
  }
}

/** Grants that decide public content and the viewer's own, with no memberships read. */
const ownGrants = (viewerId: string | null): AccessGrants => ({
  viewerId,
  all: false,
  creatorIds: new Set(),
  tierIds: new Set(),
});

/** Whether a content shows its whole body to everyone who may see it. */
export const isGated = (visibility: Visibility) => visibility !== Visibility.PUBLIC;

export const PREVIEW_LENGTH = 280;

/**
 * The first 280 characters of a body, cut at a word (whitespace) when there is one in
 * reach, counted in code points so a surrogate pair is never split.
 */
export function previewOf(body: string): string {
  const chars = Array.from(body);
  if (chars.length <= PREVIEW_LENGTH) return body;
  const head = chars.slice(0, PREVIEW_LENGTH + 1);
  let cut = PREVIEW_LENGTH;
  while (cut > 0 && !/\s/u.test(head[cut]!)) cut--;
  const kept = cut > 0 ? head.slice(0, cut) : head.slice(0, PREVIEW_LENGTH);
  return kept.join('').trimEnd();
}

/**
 * The body text anyone who may see a content may read: the whole body when it is public,
 * else its preview. What indexes shared by every viewer (recommendations) hold.
 */
export function openBody(c: {
  visibility: Visibility;
  body: string;
  preview?: string | null;
}): string {
  return isGated(c.visibility) ? (c.preview ?? previewOf(c.body)) : c.body;
}
