interface Listed {
  id: string;
  at: number;
}

/**
 * Who wrote each published content, and each author's content newest first: what the "more
 * from this author" source needs, kept in memory beside the text index (authors never
 * change, publications arrive as events) so that serving asks the database nothing.
 * Listed content that was archived or deleted since stays until the next start: serving
 * checks what is readable now.
 */
export class AuthorIndex {
  private readonly authorOf = new Map<string, string>();
  private readonly byAuthor = new Map<string, Listed[]>();

  /** Adds or moves a content; `at` is its listing time (newest first, then id descending). */
  add(id: string, authorId: string, at: number): void {
    const previous = this.authorOf.get(id);
    if (previous !== undefined) {
      const list = this.byAuthor.get(previous)!;
      list.splice(
        list.findIndex((l) => l.id === id),
        1,
      );
    }
    this.authorOf.set(id, authorId);
    let list = this.byAuthor.get(authorId);
    if (!list) this.byAuthor.set(authorId, (list = []));
    // Binary search for the first entry that sorts after this one; new content goes first.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid]!;
      if (m.at > at || (m.at === at && m.id > id)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, { id, at });
  }

  author(contentId: string): string | undefined {
    return this.authorOf.get(contentId);
  }

  /** Up to `n` of the author's newest content ids, leaving out those `skip` accepts. */
  newest(authorId: string, n: number, skip: (id: string) => boolean): string[] {
    const out: string[] = [];
    for (const { id } of this.byAuthor.get(authorId) ?? []) {
      if (out.length >= n) break;
      if (!skip(id)) out.push(id);
    }
    return out;
  }
}
