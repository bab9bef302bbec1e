import pg from 'pg';

/**
 * The feed's data, written straight into Marquee's tables by SQL (the API would take minutes
 * for this much): `authors` users, `contents` contents spread over them (one in ten a draft,
 * which the feed must skip), about 10 likes and 3 comments a content, the stored counts
 * matching. The viewer (signed up through the API) likes every third content.
 *
 * Then PostGraphile's side, in its own schema so that Marquee's tables stay as they are:
 * views exposing the columns the feed needs, with smart comments for their keys, and the
 * computed column `viewerHasLiked` reading the token's `sub` claim.
 */
export async function seed(
  databaseUrl: string,
  viewerId: string,
  sizes: { authors: number; contents: number },
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into users (id, email, password_hash, handle, display_name, bio, role, created_at, updated_at)
       select gen_random_uuid(), 'author' || i || '@feed.bench', 'not a hash', 'author_' || i,
              'Author ' || i, repeat('A few words about this author. ', 10), 'USER', now(), now()
         from generate_series(1, $1) i`,
      [sizes.authors],
    );
    await client.query(
      `insert into contents (id, kind, title, body, preview, tags, media, visibility, tier_ids,
                             status, author_id, created_at, updated_at, published_at, listed_at)
       select gen_random_uuid(), 'ARTICLE', 'Article ' || i, repeat('Lorem ipsum dolor sit amet. ', 80),
              'Lorem ipsum dolor sit amet.', '["bench"]', '[]', 'PUBLIC', '[]',
              case when i % 10 = 0 then 'DRAFT' else 'PUBLISHED' end,
              a.id, t, t, case when i % 10 = 0 then null else t end, t
         from generate_series(1, $1) i
         cross join lateral (select now() - make_interval(mins => i) as t) ts
         join lateral (select id from users where handle = 'author_' || (1 + i % $2)) a on true`,
      [sizes.contents, sizes.authors],
    );
    await client.query(
      `insert into likes (user_id, content_id, created_at)
       select u.id, c.id, now() from contents c join users u
           on u.handle like 'author\\_%' and random() < 0.2`,
    );
    await client.query(
      `insert into likes (user_id, content_id, created_at)
       select $1, id, now() from (select id, row_number() over (order by listed_at) n from contents) c
        where n % 3 = 0`,
      [viewerId],
    );
    await client.query(
      `insert into comments (id, content_id, author_id, body, created_at)
       select gen_random_uuid(), c.id, c.author_id, 'A comment ' || k, now()
         from contents c cross join generate_series(1, 3) k`,
    );
    await client.query(
      `update contents c set
         like_count = (select count(*) from likes l where l.content_id = c.id),
         comment_count = (select count(*) from comments m where m.content_id = c.id)`,
    );
    await client.query(`
      create schema postgraphile_bench;
      create view postgraphile_bench.users as select id, handle, display_name from public.users;
      create view postgraphile_bench.contents as
        select id, title, status, author_id, listed_at, like_count, comment_count from public.contents;
      comment on view postgraphile_bench.users is E'@primaryKey id';
      comment on view postgraphile_bench.contents is
        E'@primaryKey id\\n@foreignKey (author_id) references postgraphile_bench.users (id)';
      create function postgraphile_bench.contents_viewer_has_liked(c postgraphile_bench.contents)
        returns boolean language sql stable as $$
          select exists (select 1 from public.likes l where l.content_id = c.id
                           and l.user_id = nullif(current_setting('jwt.claims.sub', true), '')::uuid)
        $$;
    `);
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}
