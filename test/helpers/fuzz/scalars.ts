import fc from 'fast-check';
import { idKindsFor, type Pool } from './pool.js';

// Leaf values: realistic ones (so a request reaches the service and the database) mixed
// with the ones that break naive code (NUL, lone surrogates, 100 KB, boundaries, garbage).

const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFFFF\uFFFE',
  '😀'.repeat(50),
  '\u202Eevil',
  "' OR 1=1 --",
  "'; drop table users; --",
  '%',
  '_',
  '\\',
  '"',
  '{"$ne":null}',
  '[]',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '${7*7}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'javascript:alert(1)',
  'http://',
  'https://example.com/' + 'a'.repeat(3000),
  '\r\n\t',
  'NaN',
  '-1',
  '1e400',
];

/** Arbitrary text: unicode, control characters, SQL/JSON-ish tokens, sometimes very long. */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\uD800', '\uDC00'))
        .map(([s, bad]) => s + bad + s),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', 'é', '😀', '\u0000', ' '),
          fc.constantFrom(201, 4001, 20_000, 100_001),
        )
        .map(([c, n]) => c.repeat(n)),
    },
  );

/** Text that a field named `name` accepts when well-formed, or nasty text. */
export function stringFor(name: string, pool: Pool): fc.Arbitrary<string> {
  const plausible = plausibleString(name, pool);
  // A valid value with one bad code unit inside gets past every other check of the field.
  const tainted = fc
    .tuple(plausible, fc.constantFrom('\u0000', '\uD800', '\uDFFF'), fc.nat())
    .map(([s, bad, at]) => s.slice(0, at % (s.length + 1)) + bad + s.slice(at % (s.length + 1)));
  return fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: tainted },
    { weight: 3, arbitrary: nastyString() },
  );
}

function plausibleString(name: string, pool: Pool): fc.Arbitrary<string> {
  const some = (xs: string[], fallback: string) =>
    fc.constantFrom(...(xs.length ? xs : [fallback]));
  switch (name) {
    case 'after':
    case 'before':
    case 'cursor':
      return cursor(pool);
    case 'email':
      return fc.oneof(some(pool.emails, 'a@b.c'), fc.emailAddress());
    case 'handle':
      return fc.oneof(some(pool.handles, 'ann'), fc.stringMatching(/^[a-z0-9_]{3,30}$/));
    case 'password':
      return fc.constantFrom('correct horse battery', 'short', ' '.repeat(12), 'p'.repeat(10));
    case 'tag':
    case 'tags':
      return fc.oneof(some(pool.tags, 'news'), fc.stringMatching(/^[a-z]{1,40}$/));
    case 'mimeType':
      return fc.constantFrom(
        'image/png',
        'video/mp4',
        'text/html',
        'image/',
        '/',
        'image/png; a=b',
      );
    case 'url':
    case 'avatarUrl':
      return fc.oneof(fc.webUrl(), fc.constantFrom('ftp://x', 'https://cdn.example.com/a.png'));
    case 'emoji':
      return fc.constantFrom('👍', '❤️', '😀', 'a', '👍🏽', '🏳️‍🌈');
    case 'clientMessageId':
      return fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }));
    default:
      return fc.oneof(
        fc.lorem({ maxCount: 5 }),
        some(pool.tags, 'news'),
        some(pool.handles, 'ann'),
      );
  }
}

/** Real cursors, cursors of another listing, and forged or mangled ones. */
export function cursor(pool: Pool): fc.Arbitrary<string> {
  const real = fc.constantFrom(...(pool.cursors.length ? pool.cursors : ['MQ']));
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
  const scopeOf = (c: string) => Buffer.from(c, 'base64url').toString('utf8').split('|')[0] ?? '';
  const forgedPosition = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc
      .tuple(
        datetimeText(),
        fc.oneof(fc.integer(), fc.double()),
        fc.oneof(fc.uuid(), nastyString()),
      )
      .map((t) => JSON.stringify(t)),
    fc.constant(JSON.stringify([['nested'.repeat(100)]])),
    nastyString(),
  );
  return fc.oneof(
    { weight: 4, arbitrary: real },
    {
      weight: 3,
      arbitrary: fc
        .tuple(real, forgedPosition, fc.boolean())
        .map(([c, p, wrapped]) => b64(`${scopeOf(c)}|${wrapped ? b64(p) : p}`)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(real, fc.nat(), fc.string({ maxLength: 3 }))
        .map(([c, at, s]) => c.slice(0, at % (c.length + 1)) + s),
    },
    { weight: 1, arbitrary: fc.constantFrom('000000000001', '999999999999', '000000000000', '-1') },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('A'.repeat(2000), 'A'.repeat(2001), '=', '|') },
  );
}

/** Real ids (of the kind the argument names, or another), UUIDs, and garbage. */
export function idFor(name: string, pool: Pool): fc.Arbitrary<string> {
  const real = idKindsFor(name).flatMap((k) => pool[k]);
  const any = [...pool.users, ...pool.contents, ...pool.messages];
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...(real.length ? real : ['x'])) },
    { weight: 1, arbitrary: fc.constantFrom(...(any.length ? any : ['x'])) },
    { weight: 2, arbitrary: fc.uuid({ version: [4, 7] }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-4000-8000-000000000000',
        'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
        '0',
        '-1',
        '1e3',
        '00000000-0000-0000-0000-00000000000',
      ),
    },
    { weight: 2, arbitrary: nastyString() },
  );
}

/** Ints inside and outside the 32-bit range GraphQL allows, and page-size edges. */
export const intValue = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -2, max: 30 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        0,
        1,
        99,
        100,
        101,
        500,
        501,
        1000,
        2 ** 31 - 1,
        -(2 ** 31),
        2 ** 31,
        -(2 ** 31) - 1,
        2 ** 53,
        Number.MAX_VALUE,
        -0,
        1.5,
      ),
    },
    { weight: 1, arbitrary: fc.integer() },
  );

export const floatValue = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.double({ min: -10, max: 10_000, noNaN: true }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        0,
        -0,
        -1,
        0.5,
        1e-300,
        5e-324,
        1e308,
        -1e308,
        2 ** 53 + 1,
        86_401,
      ),
    },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  );

/** ISO instants around now, far ones, and text that is not an instant. */
export function datetimeText(): fc.Arbitrary<string> {
  const hour = 3_600_000;
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .integer({ min: -48, max: 48 })
        .map((h) => new Date(Date.now() + h * hour).toISOString()),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '1970-01-01T00:00:00.000Z',
        '0000-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999Z',
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '2099-02-30T00:00:00Z',
        '2099-11-27T24:00:00Z',
        '2099-03-01T01:30:00+02:00',
        '2026-11-27',
        'yesterday',
        '',
      ),
    },
    { weight: 1, arbitrary: nastyString() },
  );
}
