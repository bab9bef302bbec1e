import type { GraphQLFormattedError } from 'graphql';
import { MarqueeError, type RateLimitInfo } from './errors.js';

/** Who a client speaks for; `token` changes with `setToken`. */
export interface Credentials {
  token: string | null;
  apiKey: string | null;
  anonymousId: string | null;
}

/** The headers and body of a fetch response that the SDK reads (global fetch: Node 18+). */
interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
declare const fetch: (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<FetchResponse>;

/** One query or mutation over HTTP POST; GraphQL errors are thrown as `MarqueeError`. */
export async function request<R>(
  options: { url: string; headers?: Record<string, string> },
  credentials: Credentials,
  query: string,
  variables: unknown,
  onRateLimit: (info: RateLimitInfo) => void,
): Promise<R> {
  const { token, apiKey, anonymousId } = credentials;
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(apiKey ? { 'x-api-key': apiKey } : {}),
      ...(anonymousId ? { 'x-anonymous-id': anonymousId } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const rateLimit = rateLimitOf(response);
  if (rateLimit) onRateLimit(rateLimit);
  const text = await response.text();
  let body: { data?: R | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new MarqueeError(
      [
        {
          message: `HTTP ${response.status}: ${text.slice(0, 200)}`,
          extensions: httpCode(response),
        },
      ],
      null,
      response.status,
      undefined,
      rateLimit,
    );
  }
  if (body.errors?.length) {
    throw new MarqueeError<R>(
      body.errors,
      body.data ?? null,
      response.status,
      undefined,
      rateLimit,
    );
  }
  return body.data as R;
}

/** The IETF RateLimit-* headers, when the response has all three. */
function rateLimitOf(response: FetchResponse): RateLimitInfo | undefined {
  const [limit, remaining, reset] = ['limit', 'remaining', 'reset'].map((h) =>
    Number.parseInt(response.headers.get(`ratelimit-${h}`) ?? '', 10),
  );
  if ([limit, remaining, reset].some((n) => n === undefined || Number.isNaN(n))) return undefined;
  return { limit: limit!, remaining: remaining!, resetSeconds: reset! };
}

/** A code for an answer that is not GraphQL (a proxy's 502, a 429 page), from its status. */
function httpCode(response: FetchResponse): Record<string, unknown> {
  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
  const code =
    response.status === 401
      ? 'UNAUTHENTICATED'
      : response.status === 403
        ? 'FORBIDDEN'
        : response.status === 429
          ? 'RATE_LIMITED'
          : response.status >= 500
            ? 'SERVICE_UNAVAILABLE'
            : 'BAD_USER_INPUT';
  return { code, reason: `HTTP_${response.status}`, ...(retryAfter >= 0 ? { retryAfter } : {}) };
}
