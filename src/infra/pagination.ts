import { Field, ObjectType } from 'type-graphql';
import { badInput } from '../errors.js';

export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Boolean)
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor!: string | null;
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** A page of items with their cursors, independent of GraphQL. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** `first` must be 1..MAX_PAGE_SIZE (0 is allowed: a page that only counts). */
export function pageSize(first: number, max = MAX_PAGE_SIZE): number {
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw badInput('first', `must be between 0 and ${max}`);
  }
  return first;
}

/**
 * Opaque cursors: the listing they belong to (`scope`) and its position, base64url-encoded.
 * A cursor from another listing or ordering is refused instead of giving a wrong page.
 */
export function encodeCursor(scope: string, position: string): string {
  return Buffer.from(`${scope}|${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(scope: string, cursor: string, field = 'after'): string {
  const text = /^[A-Za-z0-9_-]{1,2000}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const bar = text.indexOf('|');
  if (bar < 0 || text.slice(0, bar) !== scope) {
    throw badInput(field, 'is not a valid cursor for this list');
  }
  return text.slice(bar + 1);
}
