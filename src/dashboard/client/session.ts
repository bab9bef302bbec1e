import { LiveChart } from './chart.js';
import { describeErrors, endpoints, request } from './graphql.js';
import { LiveLink } from './live-link.js';
import {
  CONTENT_METRICS,
  CONTENT_TITLE,
  EVENT_HISTORY,
  PLATFORM_METRICS,
  TRENDING,
  TRENDING_CHANGED,
  type AuthPayload,
  type ContentMetrics,
  type PlatformMetrics,
  type SeriesPoint,
  type TrendingItem,
} from './operations.js';
import {
  addError,
  byId,
  renderContent,
  renderPlatform,
  renderState,
  renderTrending,
  renderWatched,
  resetPanels,
  showError,
} from './views.js';

const TRENDING_SIZE = 10;
const FIVE_MINUTES = 5 * 60_000;

/** Axis labels: 0, 0.25, 2.5, 50 (no trailing zeros). */
const tick = (v: number) => String(Number(v.toFixed(2)));

const charts = {
  events: new LiveChart(byId<HTMLCanvasElement>('chart-events'), {
    spanMs: FIVE_MINUTES,
    color: '#5b4bdb',
    format: tick,
  }),
  activeUsers: new LiveChart(byId<HTMLCanvasElement>('chart-active-users'), {
    spanMs: FIVE_MINUTES,
    color: '#0f8a6a',
    format: tick,
  }),
};

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface Session {
  end(): void;
}

/**
 * One signed-in dashboard: a graphql-ws connection carrying platform metrics, the trending
 * list and the counters of one chosen content. `rejected` is called when the server
 * refuses the token. `end()` closes the connection and resets every panel.
 */
export function startSession(auth: AuthPayload, rejected: () => void): Session {
  const lifetime = new AbortController();
  const alive = () => !lifetime.signal.aborted;
  const link = new LiveLink(endpoints.ws, auth.token, { state: renderState, rejected });

  link.subscribe<{ platformMetrics: PlatformMetrics }>(
    PLATFORM_METRICS,
    {},
    {
      next({ platformMetrics: m }) {
        showError('platform-error', null);
        renderPlatform(m);
        const at = Date.parse(m.at);
        charts.events.push(at, m.eventsPerSecond);
        charts.activeUsers.push(at, m.activeUsers);
      },
      error: (errors) => showError('platform-error', describeErrors(errors)),
      // The server ends the stream of someone who stopped being an admin.
      complete: () => showError('platform-error', 'The server stopped sending platform metrics.'),
    },
  );

  // The events chart starts with the last minutes the server kept (per minute; the
  // current minute is left to the live values). Active users have no history to show.
  if (auth.user.role === 'ADMIN') {
    const to = Date.now();
    request<{ metricSeries: SeriesPoint[] }>(
      EVENT_HISTORY,
      { from: new Date(to - FIVE_MINUTES).toISOString(), to: new Date(to).toISOString() },
      auth.token,
    ).then(
      ({ metricSeries }) =>
        alive() &&
        charts.events.backfill(
          metricSeries.slice(0, -1).map((p) => ({ at: Date.parse(p.at), value: p.value / 60 })),
        ),
      (e: unknown) => alive() && addError('platform-error', messageOf(e)),
    );
  }

  const pick = (content: TrendingItem['content']) =>
    watch(content.id, `${content.title} by @${content.author.handle}`);
  // The contract promises trendingChanged only on a change: the list as it stands comes
  // over HTTP, unless the subscription has brought one already.
  let trendingChanged = false;
  request<{ trending: TrendingItem[] }>(TRENDING, { first: TRENDING_SIZE }, auth.token).then(
    ({ trending }) => alive() && !trendingChanged && renderTrending(trending, pick),
    (e: unknown) => alive() && addError('trending-error', messageOf(e)),
  );
  link.subscribe<{ trendingChanged: TrendingItem[] }>(
    TRENDING_CHANGED,
    { first: TRENDING_SIZE },
    {
      next({ trendingChanged: list }) {
        trendingChanged = true;
        showError('trending-error', null);
        renderTrending(list, pick);
      },
      error: (errors) => addError('trending-error', describeErrors(errors)),
    },
  );

  let stopWatching: (() => void) | null = null;
  let watching = '';
  function watch(contentId: string, label?: string): void {
    stopWatching?.();
    watching = contentId;
    byId<HTMLInputElement>('content-id').value = contentId;
    renderContent(null);
    renderWatched(label ?? contentId);
    showError('content-error', null);
    if (!label) {
      request<{ content: TrendingItem['content'] | null }>(
        CONTENT_TITLE,
        { id: contentId },
        auth.token,
      )
        .then(({ content }) => {
          if (!alive() || watching !== contentId) return;
          if (content) renderWatched(`${content.title} by @${content.author.handle}`);
          else addError('content-error', 'NOT_FOUND: no such content, or you may not read it');
        })
        .catch((e: unknown) => alive() && addError('content-error', messageOf(e)));
    }
    stopWatching = link.subscribe<{ contentMetrics: ContentMetrics }>(
      CONTENT_METRICS,
      { contentId },
      {
        next: ({ contentMetrics }) => renderContent(contentMetrics),
        error: (errors) => addError('content-error', describeErrors(errors)),
        // The content went away, or the viewer may no longer see its counters.
        complete: () =>
          watching === contentId &&
          addError('content-error', 'The server stopped sending these counters.'),
      },
    );
  }
  byId<HTMLFormElement>('watch-content').addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      const contentId = byId<HTMLInputElement>('content-id').value.trim();
      if (contentId) watch(contentId);
    },
    { signal: lifetime.signal },
  );

  return {
    end() {
      lifetime.abort();
      link.close();
      charts.events.clear();
      charts.activeUsers.clear();
      resetPanels();
    },
  };
}
