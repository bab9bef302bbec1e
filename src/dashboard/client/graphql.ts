/** A GraphQL error as the server sends it, over HTTP and over graphql-ws alike. */
export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: unknown } & Record<string, unknown>;
}

/** "FORBIDDEN: You may not do this", for each error. */
export function describeErrors(errors: readonly GraphQLErrorShape[]): string {
  const parts = errors.map((e) => {
    const code = e.extensions?.code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  });
  return parts.join('; ') || 'The request failed';
}

export class RequestFailed extends Error {
  constructor(readonly errors: readonly GraphQLErrorShape[]) {
    super(describeErrors(errors));
  }
}

/** The API's endpoints on the host that served the page. */
export const endpoints = {
  http: new URL('/graphql', location.href).href,
  ws: new URL('/graphql', location.href).href.replace(/^http/, 'ws'),
};

/**
 * One query or mutation over HTTP POST. `content-type: application/json` is what lets it
 * past Apollo's CSRF prevention. Rejects with `RequestFailed` when the response carries
 * errors or the server cannot be reached.
 */
export async function request<T>(
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoints.http, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new RequestFailed([{ message: 'The server cannot be reached' }]);
  }
  let body: { data?: T | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new RequestFailed([{ message: `The server answered HTTP ${response.status}` }]);
  }
  if (body.errors?.length) throw new RequestFailed(body.errors);
  if (!body.data) throw new RequestFailed([{ message: 'The response carried no data' }]);
  return body.data;
}
