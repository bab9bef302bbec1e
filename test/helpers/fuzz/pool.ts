/** Real rows and cursors of the fuzzed server, so generated ids and cursors hit real data. */
export interface Pool {
  users: string[];
  contents: string[];
  comments: string[];
  conversations: string[];
  messages: string[];
  /** endCursors and edge cursors of every listing (contents, search, comments, messages...). */
  cursors: string[];
  handles: string[];
  emails: string[];
  tags: string[];
}

export const emptyPool = (): Pool => ({
  users: [],
  contents: [],
  comments: [],
  conversations: [],
  messages: [],
  cursors: [],
  handles: [],
  emails: [],
  tags: [],
});

export type IdKind = 'users' | 'contents' | 'comments' | 'conversations' | 'messages';

/** Which real ids an argument named `name` most likely wants (all of them for a bare `id`). */
export function idKindsFor(name: string): IdKind[] {
  if (/^(userId|authorId|memberIds)$/.test(name)) return ['users'];
  if (/^contentId$/.test(name)) return ['contents'];
  if (/^conversationId$/.test(name)) return ['conversations'];
  if (/^(messageId|replyToId)$/.test(name)) return ['messages'];
  return ['contents', 'comments', 'messages', 'users', 'conversations'];
}
