import { GRAPHQL_RESPONSE } from '../http.js';
import type { Operation } from './operations.js';
import type { RawHttp } from './raw.js';
import { errorProblems, type Findings, type Problem } from './verdict.js';

/** Who sends a request: a name for the report, and the headers that make them so. */
export interface Viewer {
  label: string;
  headers: Record<string, string>;
}

/** Longest a single request may take before it counts as a hang (not a timing assertion). */
const HANG_MS = 60_000;

export interface HttpReply {
  status: number;
  text: string;
}

/** Sends one request; a network error or a hang is a reply of status 0. */
async function send(url: string, init: RequestInit): Promise<HttpReply> {
  let failure: unknown;
  // A second try after a reset: fetch may reuse a kept-alive socket the server is closing.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const r = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
      return { status: r.status, text: await r.text() };
    } catch (e) {
      failure = (e as Error).cause ?? e;
      if ((failure as { code?: string }).code !== 'ECONNRESET') break;
    }
  }
  return { status: 0, text: `no response: ${String(failure)}` };
}

/** What is wrong with a reply: a 5xx, no reply, or an error without a client code. */
export function replyProblems(reply: HttpReply): Problem[] {
  if (reply.status === 0) return [reply.text.slice(0, 80)];
  const problems: Problem[] = reply.status >= 500 ? [`HTTP ${reply.status}`] : [];
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return problems; // not JSON (a 4xx from Express): only its status matters
  }
  const results = Array.isArray(body) ? body : [body];
  for (const r of results) {
    const errors = (r as { errors?: unknown } | null)?.errors;
    if (Array.isArray(errors)) problems.push(...errorProblems(errors));
  }
  return [...new Set(problems)];
}

/** A reply's status and first error code (or `data`), for the run's summary. */
function outcomeOf(reply: HttpReply): string {
  try {
    const body = JSON.parse(reply.text) as { errors?: { extensions?: { code?: string } }[] };
    return `${reply.status} ${body.errors?.[0]?.extensions?.code ?? 'data'}`;
  } catch {
    return `${reply.status} not JSON`;
  }
}

/** POSTs a generated operation with `headers`; records every problem of the reply. */
export async function fuzzOperation(
  url: string,
  op: Operation,
  viewer: Viewer,
  findings: Findings,
): Promise<void> {
  const { headers } = viewer;
  const { kind: _k, root: _r, ...body } = op;
  const started = performance.now();
  const reply = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
    body: JSON.stringify(body),
  });
  findings.saw(outcomeOf(reply));
  findings.took(performance.now() - started, op.query);
  for (const p of replyProblems(reply)) {
    findings.add(`HTTP ${op.kind}`, op.root, p, { viewer: viewer.label, ...body }, reply);
  }
}

/** Sends a malformed request; records every problem of the reply. */
export async function fuzzRaw(url: string, raw: RawHttp, findings: Findings): Promise<void> {
  const reply =
    raw.method === 'GET'
      ? await send(`${url}?${raw.payload}`, {
          headers: { accept: GRAPHQL_RESPONSE, 'apollo-require-preflight': 'true' },
        })
      : await send(url, {
          method: 'POST',
          headers: {
            ...(raw.contentType ? { 'content-type': raw.contentType } : {}),
            accept: GRAPHQL_RESPONSE,
          },
          body: raw.payload,
        });
  findings.saw(outcomeOf(reply));
  for (const p of replyProblems(reply)) findings.add('HTTP raw', raw.method, p, raw, reply);
}
