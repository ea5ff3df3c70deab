// Starts GraphiQL against the URL this page was served from. A file of its own rather than an inline
// script, so the page's Content-Security-Policy can forbid inline scripts altogether.
(function () {
  "use strict";

  const PLACEHOLDER = "Bearer <token>";
  const TOKEN_HEADERS = '{\n  "Authorization": "Bearer <token>"\n}';
  const DEFAULT_QUERY = `# Asgard's feature views. Run: Ctrl-Enter or the play button.
# Docs, history and a query builder are in the bar on the left.
{
  featureViews(first: 10) {
    totalCount
    edges {
      node {
        name
        description
        entities { name }
        features { name dtype }
        source { table }
      }
    }
  }
}
`;

  const container = document.getElementById("graphiql");
  const authRequired = container.dataset.authRequired === "true";
  // GraphiQL's dialogs insert a <style> element and stamp it with this global's value, as webpack's would.
  window.__webpack_nonce__ = container.dataset.styleNonce;
  const url = location.origin + location.pathname;
  const subscriptionUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + location.pathname;
  const base = GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl });

  function authorization(headers) {
    for (const name of Object.keys(headers || {})) {
      if (name.toLowerCase() === "authorization") {
        return String(headers[name]).trim();
      }
    }
    return "";
  }

  function parseHeaders(text) {
    try {
      return text && text.trim() ? JSON.parse(text) : {};
    } catch (error) {
      return null;
    }
  }

  // Without a token this server answers 401: say what to do instead of sending the request.
  function fetcher(params, options) {
    const token = authorization(options && options.headers);
    if (authRequired && (!token || token === PLACEHOLDER)) {
      return Promise.resolve({
        errors: [
          {
            message:
              'This server needs a token: put {"Authorization": "Bearer <token>"} in the Headers tab below ' +
              "(asgard token create --name NAME --role reader), then run again.",
            extensions: { code: "UNAUTHENTICATED" },
          },
        ],
      });
    }
    return base(params, options);
  }

  // GraphiQL's history saves each run's headers to localStorage even while "Persist headers" is off,
  // which would leave the token there: history entries lose their headers unless persisting is on.
  const NAMESPACE = "graphiql:";
  const HISTORY_KEY = /^graphiql:(queries|favorites)$/;

  function withoutHeaders(value) {
    try {
      const saved = JSON.parse(value);
      for (const items of Object.values(saved)) {
        for (const item of Array.isArray(items) ? items : []) {
          delete item.headers;
        }
      }
      return JSON.stringify(saved);
    } catch (error) {
      return value;
    }
  }

  const storage = {
    getItem: (key) => localStorage.getItem(key),
    setItem: (key, value) => {
      const persist = localStorage.getItem(NAMESPACE + "shouldPersistHeaders") === "true";
      localStorage.setItem(key, HISTORY_KEY.test(key) && !persist ? withoutHeaders(value) : value);
    },
    removeItem: (key) => localStorage.removeItem(key),
    clear: () => {
      for (const key of Object.keys(localStorage).filter((k) => k.startsWith(NAMESPACE))) {
        localStorage.removeItem(key);
      }
    },
    get length() {
      return Object.keys(localStorage).filter((k) => k.startsWith(NAMESPACE)).length;
    },
  };

  // Created once: a new plugins array on each render would make GraphiQL close the open plugin.
  const plugins = [GraphiQLPluginExplorer.explorerPlugin()];

  function Explorer() {
    const [token, setToken] = React.useState(authRequired ? PLACEHOLDER : "");
    const timer = React.useRef(null);
    // A new fetcher makes GraphiQL load the schema again: the docs and completion appear once a token is in.
    const current = React.useMemo(() => (params, options) => fetcher(params, options), [token]);
    const onEditHeaders = React.useCallback((text) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const headers = parseHeaders(text);
        if (headers !== null) {
          setToken(authorization(headers));
        }
      }, 400);
    }, []);
    return React.createElement(GraphiQL, {
      fetcher: current,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: authRequired ? TOKEN_HEADERS : undefined,
      defaultEditorToolsVisibility: authRequired ? "headers" : undefined,
      isHeadersEditorEnabled: true,
      // Left unset: headers (a token is a secret) stay out of localStorage unless the user turns on
      // "Persist headers" under Settings; `false` would hide that switch.
      onEditHeaders: onEditHeaders,
      plugins: plugins,
      storage: storage,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(container).render(React.createElement(Explorer));
})();
