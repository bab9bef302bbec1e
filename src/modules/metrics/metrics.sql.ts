import { sqlRows, type Em } from '../../infra/db.js';

// Hand-written statements: each is one round trip for a whole batch, and the conditional
// upserts below are what make the counting rules hold across processes. They run
// unchanged on SQLite (3.35+) and PostgreSQL.

type Row = Record<string, unknown>;

const run = (em: Em, sql: string, params: unknown[]) => sqlRows<Row>(em, sql, params);

const placeholders = (rows: number, columns: number) =>
  Array.from({ length: rows }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');

export interface EventRow {
  viewerKey: string;
  eventId: string;
  type: string;
  contentId: string;
  value: number;
  occurredAt: number;
  receivedAt: number;
}

/** Rows per statement: bounds the SQL text (SQLite's limit is 1 MB). */
const CHUNK = 1000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** The key of an event row: event ids are unique per viewer. */
export const eventKey = (r: { viewerKey: string; eventId: string }) =>
  `${r.viewerKey}|${r.eventId}`;

/**
 * Stores the events whose key is new; returns the keys (`eventKey`) of those it stored.
 * Rows go in key order, so concurrent batches of several processes never deadlock.
 */
export async function insertEvents(em: Em, rows: EventRow[]): Promise<Set<string>> {
  const stored = new Set<string>();
  const sorted = [...rows].sort((a, b) =>
    a.viewerKey < b.viewerKey ? -1 : a.viewerKey > b.viewerKey ? 1 : a.eventId < b.eventId ? -1 : 1,
  );
  for (const chunk of chunks(sorted)) {
    const returned = await run(
      em,
      `insert into metric_events (viewer_key, event_id, type, content_id, value, occurred_at, received_at)
       values ${placeholders(chunk.length, 7)} on conflict do nothing returning viewer_key, event_id`,
      chunk.flatMap((r) => [
        r.viewerKey,
        r.eventId,
        r.type,
        r.contentId,
        r.value,
        r.occurredAt,
        r.receivedAt,
      ]),
    );
    for (const r of returned)
      stored.add(eventKey({ viewerKey: String(r.viewer_key), eventId: String(r.event_id) }));
  }
  return stored;
}

/**
 * Marks views as counted where the viewer's previous counted view of the content is at
 * least `gapMs` older (or there is none). One statement per pair at most: the conditional
 * upsert is atomic, so two processes cannot both count the same view. Returns the
 * `viewerKey|contentId` pairs that counted.
 */
export async function countViews(
  em: Em,
  views: { viewerKey: string; contentId: string; at: number }[],
  gapMs: number,
): Promise<Set<string>> {
  const out = new Set<string>();
  const pair = (v: { viewerKey: string; contentId: string }) => `${v.viewerKey}|${v.contentId}`;
  // In key order, as insertEvents.
  const sorted = [...views].sort((a, b) => (pair(a) < pair(b) ? -1 : 1));
  for (const chunk of chunks(sorted)) {
    const counted = await run(
      em,
      `insert into metric_view_marks (viewer_key, content_id, counted_at) values ${placeholders(chunk.length, 3)}
       on conflict (viewer_key, content_id) do update set counted_at = excluded.counted_at
       where metric_view_marks.counted_at <= excluded.counted_at - ${Number(gapMs)}
       returning viewer_key, content_id`,
      chunk.flatMap((v) => [v.viewerKey, v.contentId, v.at]),
    );
    for (const r of counted)
      out.add(pair({ viewerKey: String(r.viewer_key), contentId: String(r.content_id) }));
  }
  return out;
}

export interface RollupRow {
  scope: string;
  metric: string;
  minute: number;
  value: number;
}

/** Adds to per-minute rollups (rows in key order, so concurrent batches never deadlock). */
export async function addRollups(em: Em, rows: RollupRow[]): Promise<void> {
  const sorted = [...rows].sort(
    (a, b) =>
      (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      a.minute - b.minute,
  );
  for (const chunk of chunks(sorted))
    await run(
      em,
      `insert into metric_rollups (scope, metric, minute, value) values ${placeholders(chunk.length, 4)}
       on conflict (scope, metric, minute) do update set value = metric_rollups.value + excluded.value`,
      chunk.flatMap((r) => [r.scope, r.metric, r.minute, r.value]),
    );
}

/** Sums of a metric per bucket of `minutesPerBucket`, over [fromMinute, toMinute). */
export async function rollupSeries(
  em: Em,
  scope: string,
  metric: string,
  minutesPerBucket: number,
  fromMinute: number,
  toMinute: number,
): Promise<Map<number, number>> {
  const rows = await run(
    em,
    `select minute / ${Number(minutesPerBucket)} as bucket, sum(value) as total from metric_rollups
     where scope = ? and metric = ? and minute >= ? and minute < ? group by 1`,
    [scope, metric, fromMinute, toMinute],
  );
  return new Map(rows.map((r) => [Number(r.bucket), Number(r.total)]));
}

/** Forgets events and view marks older than `before` (epoch ms). */
export async function pruneEvents(em: Em, before: number): Promise<void> {
  await run(em, 'delete from metric_events where received_at < ?', [before]);
  await run(em, 'delete from metric_view_marks where counted_at < ?', [before]);
}

/** The contents' rollups of `metrics` from `fromMinute` on (the platform's excluded). */
export async function contentRollupsSince(
  em: Em,
  fromMinute: number,
  metrics: readonly string[],
): Promise<RollupRow[]> {
  const rows = await run(
    em,
    `select scope, metric, minute, value from metric_rollups
     where minute >= ? and scope <> '*' and metric in (${metrics.map(() => '?').join(', ')})`,
    [fromMinute, ...metrics],
  );
  return rows.map((r) => ({
    scope: String(r.scope),
    metric: String(r.metric),
    minute: Number(r.minute),
    value: Number(r.value),
  }));
}
