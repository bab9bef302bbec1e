import assert from 'node:assert/strict';
import type { GraphQLFormattedError } from 'graphql';

/** Raw HTTP helpers for the GraphQL over HTTP tests. */
export const GRAPHQL_RESPONSE = 'application/graphql-response+json';
export const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
  API_KEY_SECRET: 'a-production-api-key-secret-of-32-chars',
  ADS_TOKEN_SECRET: 'a-production-ads-token-secret-32-chars',
  CHAT_ENCRYPTION_KEYS: `prod:${Buffer.alloc(32, 7).toString('base64')}`,
};

export interface Reply {
  status: number;
  headers: Headers;
  /** The raw body, to search for what must never be in it. */
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
}

export async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: Reply['body'] = {};
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    // Not JSON (the landing page, Express's 404): only `text` is of interest.
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** POSTs `body` (JSON-encoded unless it is a string) as application/json. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return reply(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

export async function get(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string>,
) {
  return reply(await fetch(`${url}?${new URLSearchParams(params)}`, { headers }));
}

export function codeOf(r: Reply): unknown {
  return r.body.errors?.[0]?.extensions?.code;
}

/** A request error: the status, a coded error, and no `data` (nothing was executed). */
export function assertRequestError(r: Reply, status: number, code: string) {
  assert.equal(r.status, status, r.text);
  assert.ok(r.body.errors?.length, `expected an errors array: ${r.text}`);
  assert.equal(codeOf(r), code, r.text);
  assert.equal('data' in r.body, false, r.text);
}

export function assertNoStackTrace(r: Reply) {
  for (const e of r.body.errors ?? []) {
    assert.equal(e.extensions?.stacktrace, undefined, r.text);
    assert.equal(e.extensions?.exception, undefined, r.text);
  }
  assert.doesNotMatch(r.text, /\bat \S+ \(|\.js:\d+:\d+/, r.text);
}
