// The dashboard's HTML and CSS, served by dashboard.routes.ts; its script is client/main.ts.
// Element ids are what the script and the browser test (test/integration/dashboard.test.ts)
// find things by: rename them in all three places.

const tile = (id: string, label: string) =>
  `<div class="tile"><dt>${label}</dt><dd id="${id}">–</dd></div>`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marquee · live dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/dashboard.css">
<script type="module" src="/dashboard/app/main.js"></script>
</head>
<body>
<header>
  <h1>Marquee <small>live</small></h1>
  <span id="status" data-state="signed-out">signed out</span>
  <span id="viewer"></span>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>
<main>
<form id="sign-in" class="card" method="post">
  <h2>Sign in</h2>
  <p class="hint">Platform metrics are for admins; authors see their own content's counters.</p>
  <label>Email <input id="email" type="email" autocomplete="username" required></label>
  <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
  <p id="sign-in-error" class="error" role="alert" hidden></p>
</form>
<div id="dashboard" hidden>
  <section class="card wide">
    <h2>Platform <span id="platform-at" class="at"></span></h2>
    <p id="platform-error" class="error" role="alert" hidden></p>
    <dl class="tiles">
      ${tile('active-users', 'Active users (5 min)')}
      ${tile('events-per-second', 'Events / second')}
      ${tile('messages-per-minute', 'Messages / minute')}
      ${tile('live-connections', 'Live connections')}
    </dl>
    <div class="charts">
      <figure><figcaption>Events per second</figcaption><canvas id="chart-events"></canvas></figure>
      <figure><figcaption>Active users</figcaption><canvas id="chart-active-users"></canvas></figure>
    </div>
  </section>
  <section class="card">
    <h2>Trending <small>last hour</small></h2>
    <p id="trending-error" class="error" role="alert" hidden></p>
    <ol id="trending"></ol>
    <p id="trending-empty" class="hint">Nothing is trending yet.</p>
  </section>
  <section class="card">
    <h2>Content counters <span id="content-at" class="at"></span></h2>
    <form id="watch-content">
      <label>Content id <input id="content-id" autocomplete="off" spellcheck="false" required></label>
      <button type="submit">Watch</button>
    </form>
    <p class="hint">Or choose a title in the trending list.</p>
    <p id="content-title" class="subject"></p>
    <p id="content-error" class="error" role="alert" hidden></p>
    <dl class="tiles">
      ${tile('content-views', 'Views')}
      ${tile('content-likes', 'Likes')}
      ${tile('content-comments', 'Comments')}
      ${tile('content-shares', 'Shares')}
      ${tile('content-watch-seconds', 'Watch seconds')}
      ${tile('content-live-viewers', 'Live viewers')}
    </dl>
  </section>
</div>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { color-scheme: light; font: 15px/1.4 system-ui, sans-serif; color: #1d1d24; background: #f4f4f8; }
body { margin: 0; }
[hidden] { display: none !important; }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d1d24; color: #fff; }
header h1 { font-size: 1.15rem; margin: 0 auto 0 0; }
header small { color: #a9a2ff; font-weight: normal; }
#status { font-size: .8rem; padding: .15rem .6rem; border-radius: 1rem; background: #55555f; }
#status[data-state="live"] { background: #0f8a6a; }
#status[data-state="reconnecting"], #status[data-state="connecting"] { background: #b26a00; }
main { display: grid; gap: 1rem; padding: 1rem 1.5rem; max-width: 1200px; margin: 0 auto; }
#dashboard { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
.card { background: #fff; border-radius: .6rem; padding: 1rem 1.25rem; box-shadow: 0 1px 3px #0002; }
.wide { grid-column: 1 / -1; }
#sign-in { max-width: 360px; display: grid; gap: .6rem; }
h2 { font-size: 1rem; margin: 0 0 .75rem; }
h2 small, .at, .hint { color: #6b6b76; font-weight: normal; font-size: .85rem; }
label { display: grid; gap: .2rem; font-size: .85rem; color: #44444e; }
input { font: inherit; padding: .4rem .5rem; border: 1px solid #c9c9d3; border-radius: .35rem; }
button { font: inherit; padding: .4rem .9rem; border: 0; border-radius: .35rem; background: #5b4bdb; color: #fff; cursor: pointer; }
button:disabled { opacity: .6; }
#sign-out { background: #44444e; }
.error { white-space: pre-line; color: #b3261e; background: #fdecea; padding: .5rem .75rem; border-radius: .35rem; margin: .5rem 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: .6rem; margin: 0; }
.tile { background: #f4f4f8; border-radius: .45rem; padding: .5rem .75rem; }
.tile dt { font-size: .8rem; color: #6b6b76; }
.tile dd { margin: 0; font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; margin-top: 1rem; }
figure { margin: 0; }
figcaption { font-size: .8rem; color: #6b6b76; }
canvas { display: block; width: 100%; height: 170px; }
#trending { margin: 0; padding: 0; list-style: none; counter-reset: rank; }
.trending-item { display: grid; grid-template-columns: 1.75rem 1fr auto auto; gap: 0 .75rem; padding: .35rem 0; border-bottom: 1px solid #eee; counter-increment: rank; }
.trending-item::before { content: counter(rank); grid-row: span 2; align-self: center; font-weight: 600; color: #6b6b76; text-align: right; }
.trending-item .title { grid-column: 2 / -1; justify-self: start; background: none; color: #3b2fb0; padding: 0; text-align: left; }
.trending-item .title:hover { text-decoration: underline; }
.trending-item span { font-size: .85rem; color: #6b6b76; font-variant-numeric: tabular-nums; }
#watch-content { display: flex; gap: .5rem; align-items: end; }
#watch-content label { flex: 1; }
.subject { font-weight: 600; min-height: 1.4em; margin: .5rem 0; }
`;
