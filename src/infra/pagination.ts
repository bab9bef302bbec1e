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
  /** A promise where counting is deferred until a client asks for it. */
  totalCount: number | Promise<number>;
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

/** What one value of a keyset position must be. */
export type Slot = 'date' | 'count' | 'id';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_INT4 = 2_147_483_647;
const fits: Record<Slot, (v: unknown) => boolean> = {
  date: (v) => typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)),
  count: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_INT4,
  id: (v) => typeof v === 'string' && UUID.test(v),
};

/**
 * The keyset position inside an opaque cursor (MikroORM's own cursor: base64url JSON of the
 * sort values), checked value by value against `shape`: a forged position would otherwise
 * reach the SQL as a malformed date, uuid or integer and fail there, or be silently ignored.
 */
export function keysetPosition(scope: string, after: string, shape: readonly Slot[]): string {
  const encoded = decodeCursor(scope, after);
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  const valid =
    Array.isArray(values) &&
    values.length === shape.length &&
    shape.every((slot, i) => fits[slot](values[i]));
  if (!valid) throw badInput('after', 'is not a valid cursor for this list');
  return encoded;
}

/**
 * An edge whose cursor is encoded when read: a client asking only the nodes of a long
 * list (the common case) does not pay two encodings per item.
 */
class Edge<T> {
  #cursor: string | undefined;
  constructor(
    readonly node: T,
    private readonly encode: (node: T) => string,
  ) {}
  get cursor(): string {
    return (this.#cursor ??= this.encode(this.node));
  }
}

/** A page from items and a function giving each item's keyset position. */
export function toPage<T>(
  items: T[],
  positionOf: (item: T) => string,
  scope: string,
  page: { hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number },
): Page<T> {
  const encode = (node: T) => encodeCursor(scope, positionOf(node));
  const edges = items.map((node) => new Edge(node, encode));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
