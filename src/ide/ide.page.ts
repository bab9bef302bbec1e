// GraphiQL's page and the script that starts it, served by ide.routes.ts. The libraries are
// the npm packages' own browser builds (UMD globals: React, ReactDOM, GraphiQL,
// GraphiQLPluginExplorer, graphqlWs), served from this server: nothing comes from a CDN.

export const IDE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marquee · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ide/graphiql.css">
<link rel="stylesheet" href="/ide/explorer.css">
<link rel="stylesheet" href="/ide/ide.css">
<script defer src="/ide/react.js"></script>
<script defer src="/ide/react-dom.js"></script>
<script defer src="/ide/graphiql.js"></script>
<script defer src="/ide/explorer.js"></script>
<script defer src="/ide/graphql-ws.js"></script>
<script defer src="/ide/ide.js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
`;

export const IDE_CSS = `html, body, #graphiql { height: 100%; margin: 0; }
`;

const WELCOME = `# Marquee's GraphiQL: served by this server, works offline.
#
# Sign in: run LogIn, then put its token in Headers below:
#   { "Authorization": "Bearer <token>" }
# A partner's key goes there as { "x-api-key": "mq_…" }.
# Subscriptions run over graphql-ws, with the same headers.

mutation LogIn {
  logIn(input: { email: "ada@demo.marquee.dev", password: "marquee-demo-password" }) {
    token
    user { handle role }
  }
}

query Feed {
  contents(first: 5) { edges { node { id title author { handle } likeCount } } }
}

subscription NewContent {
  contentPublished { id title author { handle } }
}
`;

/**
 * Starts GraphiQL with a fetcher of its own: queries and mutations over HTTP POST with the
 * headers editor's headers, subscriptions over one graphql-ws connection per distinct
 * credentials (Authorization and x-api-key become connectionParams, as the SDK sends them).
 * `?query=` in the page's address opens that document.
 */
export const IDE_SCRIPT = `'use strict';
(function () {
  var GraphQL = GraphiQL.GraphQL;
  var url = location.origin + '/graphql';
  var wsUrl = url.replace(/^http/, 'ws');
  var sockets = new Map();

  function lowerCased(headers) {
    var out = {};
    Object.keys(headers || {}).forEach(function (k) { out[k.toLowerCase()] = headers[k]; });
    return out;
  }
  function socketFor(headers) {
    var params = {};
    if (headers.authorization) params.authorization = headers.authorization;
    if (headers['x-api-key']) params['x-api-key'] = headers['x-api-key'];
    if (headers['x-anonymous-id']) params.anonymousId = headers['x-anonymous-id'];
    var key = JSON.stringify(params);
    var client = sockets.get(key);
    if (!client) {
      client = graphqlWs.createClient({ url: wsUrl, connectionParams: params, retryAttempts: 3 });
      sockets.set(key, client);
    }
    return client;
  }
  function isSubscription(params) {
    try {
      var op = GraphQL.getOperationAST(GraphQL.parse(params.query), params.operationName || undefined);
      return Boolean(op) && op.operation === 'subscription';
    } catch (e) {
      return false;
    }
  }
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    if (isSubscription(params)) return socketFor(lowerCased(headers)).iterate(params);
    return fetch(url, {
      method: 'POST',
      headers: Object.assign(
        { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        headers
      ),
      body: JSON.stringify(params),
    }).then(function (r) { return r.json(); });
  }

  var asked = new URLSearchParams(location.search).get('query');
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultQuery: ${JSON.stringify(WELCOME)},
      query: asked || undefined,
      defaultHeaders: '{}',
      shouldPersistHeaders: true,
      isHeadersEditorEnabled: true,
    })
  );
})();
`;
