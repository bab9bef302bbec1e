import { EventType } from '../modules/metrics/index.js';
import { ContentKind } from '../modules/content/index.js';

/** A demo user (by handle) or an anonymous visitor (by its `x-anonymous-id`). */
export interface DemoViewer {
  handle: string | null;
  anonymousId: string | null;
}

const VISITORS = 8;
/** The demo events are spread over this much of the last hour (whole trending slices of LAST_HOUR). */
const SPREAD_MS = 50 * 60_000;

export function demoViewers(handles: string[]): DemoViewer[] {
  return [
    ...handles.map((handle) => ({ handle, anonymousId: null })),
    ...Array.from({ length: VISITORS }, (_, i) => ({
      handle: null,
      anonymousId: `seed-visitor-${i + 1}`,
    })),
  ];
}

interface DemoEvent {
  id: string;
  type: EventType;
  contentId: string;
  occurredAt: Date;
  watchSeconds?: number;
}

/**
 * What viewer number `v` does: views every content once, at its own moment of the last
 * 50 minutes (the latest a minute ago), watches the videos for a while and shares some.
 * At most one event of a type per content per viewer, well under the per-address limits.
 */
export function demoEvents(
  v: number,
  contents: readonly { id: string; kind: ContentKind }[],
): DemoEvent[] {
  return contents.flatMap((content, i) => {
    const ago = 60_000 + (((v * 7 + i * 13) % 59) / 59) * (SPREAD_MS - 60_000);
    const occurredAt = new Date(Date.now() - ago);
    const id = `seed-${content.id}`;
    const events: DemoEvent[] = [{ id, type: EventType.VIEW, contentId: content.id, occurredAt }];
    if (content.kind === ContentKind.VIDEO) {
      const watchSeconds = 30 + ((v * 17 + i * 11) % 60);
      events.push({
        id: `${id}-watch`,
        type: EventType.WATCH,
        contentId: content.id,
        occurredAt,
        watchSeconds,
      });
    }
    if ((v + i) % 3 === 0) {
      events.push({ id: `${id}-share`, type: EventType.SHARE, contentId: content.id, occurredAt });
    }
    return events;
  });
}

/** The base URL of a server answering on this machine's `port`, or null. */
export async function runningServer(port: number): Promise<string | null> {
  const url = `http://127.0.0.1:${port}`;
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return r.ok ? url : null;
  } catch {
    return null;
  }
}

const TRACK =
  'mutation SeedTrack($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted rejected { index } } }';

/**
 * Sends `events` with `trackEvents` to the server at `url`: the number accepted, or null
 * when that server is not the one on the seeded database (it knows none of the content).
 */
export async function trackOverHttp(
  url: string,
  events: DemoEvent[],
  as: { token: string | null; anonymousId: string | null },
): Promise<number | null> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as.token) headers.authorization = `Bearer ${as.token}`;
  if (as.anonymousId) headers['x-anonymous-id'] = as.anonymousId;
  try {
    const r = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: TRACK, variables: { events } }),
    });
    const body = (await r.json()) as {
      data?: { trackEvents: { accepted: number; rejected: { index: number }[] } };
    };
    const result = body.data?.trackEvents;
    // All refused: another database's server (or its limits): the caller ingests here.
    if (!result || (result.accepted === 0 && result.rejected.length === events.length)) return null;
    return result.accepted;
  } catch {
    return null;
  }
}
