import type { Em } from '../../infra/db.js';

// Hand-written statements: each is one round trip for a whole batch, and the conditional
// upserts below are what make the counting rules hold across processes. They run
// unchanged on SQLite (3.35+) and PostgreSQL.

type Row = Record<string, unknown>;

function run(em: Em, sql: string, params: unknown[]): Promise<Row[]> {
  return em.getConnection().execute<Row[]>(sql, params, 'all', em.getTransactionContext());
}

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

/** Stores the events whose key is new; returns the ids of those it stored. */
export async function insertEvents(em: Em, rows: EventRow[]): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const stored = await run(
    em,
    `insert into metric_events (viewer_key, event_id, type, content_id, value, occurred_at, received_at)
     values ${placeholders(rows.length, 7)} on conflict do nothing returning event_id`,
    rows.flatMap((r) => [
      r.viewerKey,
      r.eventId,
      r.type,
      r.contentId,
      r.value,
      r.occurredAt,
      r.receivedAt,
    ]),
  );
  return new Set(stored.map((r) => String(r.event_id)));
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
  if (!views.length) return new Set();
  const counted = await run(
    em,
    `insert into metric_view_marks (viewer_key, content_id, counted_at) values ${placeholders(views.length, 3)}
     on conflict (viewer_key, content_id) do update set counted_at = excluded.counted_at
     where metric_view_marks.counted_at <= excluded.counted_at - ${Number(gapMs)}
     returning viewer_key, content_id`,
    views.flatMap((v) => [v.viewerKey, v.contentId, v.at]),
  );
  return new Set(counted.map((r) => `${String(r.viewer_key)}|${String(r.content_id)}`));
}

export interface RollupRow {
  scope: string;
  metric: string;
  minute: number;
  value: number;
}

/** Adds to per-minute rollups (rows in key order, so concurrent batches never deadlock). */
export async function addRollups(em: Em, rows: RollupRow[]): Promise<void> {
  if (!rows.length) return;
  const sorted = [...rows].sort(
    (a, b) =>
      a.scope.localeCompare(b.scope) || a.metric.localeCompare(b.metric) || a.minute - b.minute,
  );
  await run(
    em,
    `insert into metric_rollups (scope, metric, minute, value) values ${placeholders(sorted.length, 4)}
     on conflict (scope, metric, minute) do update set value = metric_rollups.value + excluded.value`,
    sorted.flatMap((r) => [r.scope, r.metric, r.minute, r.value]),
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
