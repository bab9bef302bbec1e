import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Content } from './content.entity.js';

/** Read for every listed content: keys, cursors (every order), the access rule, counts. */
const ALWAYS = [
  'id',
  'author',
  'status',
  'visibility',
  'tierIds',
  'listedAt',
  'likeCount',
  'viewCount',
  'commentCount',
] as const;
/** The columns of the `Content` fields a client may select (the rest need ALWAYS only). */
const COLUMNS: Record<string, readonly (keyof Content)[]> = {
  kind: ['kind'],
  title: ['title'],
  tags: ['tags'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  publishedAt: ['publishedAt'],
  shareCount: ['shareCount'],
  watchSeconds: ['watchSeconds'],
  // Without access, `body` is the preview; a row older than `preview` has it computed.
  body: ['body', 'preview'],
  preview: ['preview', 'body'],
  media: ['media'],
};
const COMPUTED = new Set([
  '__typename',
  'id',
  'status',
  'visibility',
  'likeCount',
  'viewCount',
  'commentCount',
  'author',
  'viewerHasLiked',
  'viewerHasAccess',
  'comments',
  'tiers',
]);

/**
 * The columns a connection field's nodes (`edges { node { … } }`) need, from its
 * selection: a list of titles does not read bodies. Undefined (every column) when the
 * selection holds a field this does not know, so that a new field never reads a missing one.
 */
export function nodeColumns(info: GraphQLResolveInfo): (keyof Content)[] | undefined {
  const columns = new Set<keyof Content>(ALWAYS);
  let known = true;
  const fields = (
    set: SelectionSetNode | undefined,
    visit: (name: string, sub?: SelectionSetNode) => void,
  ) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) visit(s.name.value, s.selectionSet);
      else if (s.kind === Kind.INLINE_FRAGMENT) fields(s.selectionSet, visit);
      else fields(info.fragments[s.name.value]?.selectionSet, visit);
    }
  };
  for (const node of info.fieldNodes)
    fields(node.selectionSet, (name, edges) => {
      if (name !== 'edges') return;
      fields(edges, (edgeField, content) => {
        if (edgeField !== 'node') return;
        fields(content, (field) => {
          const needs = COLUMNS[field];
          if (needs) needs.forEach((c) => columns.add(c));
          else if (!COMPUTED.has(field)) known = false;
        });
      });
    });
  return known ? [...columns] : undefined;
}
