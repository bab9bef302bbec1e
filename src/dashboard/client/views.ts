import type { LinkState } from './live-link.js';
import type { ContentMetrics, PlatformMetrics, TrendingItem } from './operations.js';

// Rendering only. Titles and handles are user content: they go in through textContent,
// never as HTML.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

const setText = (id: string, text: string) => {
  byId(id).textContent = text;
};

/** Shows `message` in the error box `id`, or hides the box for null. */
export function showError(id: string, message: string | null): void {
  const box = byId(id);
  box.textContent = message ?? '';
  box.hidden = !message;
}

/** Adds `message` to what the error box `id` shows (once), for failures that come in pairs. */
export function addError(id: string, message: string): void {
  const box = byId(id);
  const shown = box.hidden ? [] : (box.textContent ?? '').split('\n');
  if (!shown.includes(message)) showError(id, [...shown, message].join('\n'));
}

export function renderState(state: LinkState | 'signed-out'): void {
  const badge = byId('status');
  badge.dataset.state = state;
  badge.textContent = state.replace('-', ' ');
}

const whole = new Intl.NumberFormat('en');
const fraction = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const time = (iso: string) => new Date(iso).toLocaleTimeString();
const DASH = '–';

export function renderPlatform(m: PlatformMetrics | null): void {
  setText('active-users', m ? whole.format(m.activeUsers) : DASH);
  setText('events-per-second', m ? fraction.format(m.eventsPerSecond) : DASH);
  setText('messages-per-minute', m ? fraction.format(m.messagesPerMinute) : DASH);
  setText('live-connections', m ? whole.format(m.liveConnections) : DASH);
  setText('platform-at', m ? `as of ${time(m.at)}` : '');
}

/** The top list; choosing an entry calls `pick` with its content. */
export function renderTrending(
  items: readonly TrendingItem[],
  pick: (content: TrendingItem['content']) => void,
): void {
  const rows = items.map((item) => {
    const row = document.createElement('li');
    row.className = 'trending-item';
    row.dataset.contentId = item.content.id;
    const title = document.createElement('button');
    title.type = 'button';
    title.className = 'title';
    title.textContent = item.content.title;
    title.title = 'Watch its counters';
    title.addEventListener('click', () => pick(item.content));
    const author = span('author', `@${item.content.author.handle}`);
    const score = span('score', `score ${fraction.format(item.score)}`);
    const views = span('views', `${whole.format(item.views)} views`);
    row.append(title, author, score, views);
    return row;
  });
  byId('trending').replaceChildren(...rows);
  byId('trending-empty').hidden = items.length > 0;
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

/** What the content counters are about: a title, or the id until the title is known. */
export function renderWatched(label: string): void {
  setText('content-title', label);
}

export function renderContent(m: ContentMetrics | null): void {
  setText('content-views', m ? whole.format(m.views) : DASH);
  setText('content-likes', m ? whole.format(m.likes) : DASH);
  setText('content-comments', m ? whole.format(m.comments) : DASH);
  setText('content-shares', m ? whole.format(m.shares) : DASH);
  setText('content-watch-seconds', m ? fraction.format(m.watchSeconds) : DASH);
  setText('content-live-viewers', m ? whole.format(m.liveViewers) : DASH);
  setText('content-at', m ? `as of ${time(m.at)}` : '');
}

/** Every panel back to its signed-out look. */
export function resetPanels(): void {
  renderPlatform(null);
  renderTrending([], () => undefined);
  renderContent(null);
  renderWatched('');
  for (const id of ['platform-error', 'trending-error', 'content-error']) showError(id, null);
}
