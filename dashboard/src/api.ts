/**
 * Talking to the dashboard's server: JSON requests (with the dashboard token when the server wants one) and the
 * live feed (server-sent events read through fetch, so the token travels in a header and never in a URL).
 */
export interface Config {
  tokenRequired: boolean;
  namespace: string;
  uiBase: string;
}

const TOKEN_KEY = 'overseer-dashboard-token';
let config: Config | undefined;

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return { ...extra, ...(token ? { 'x-overseer-token': token } : {}) };
}

/** The server's refusal, with its own message. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { error: text };
  }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw new ApiError((data as { error?: string }).error ?? `${res.status} ${res.statusText}`, res.status);
  }
  return data as T;
}

export async function loadConfig(): Promise<Config> {
  config = await parse<Config>(await fetch('/api/config'));
  return config;
}

export function getJSON<T>(url: string): Promise<T> {
  return fetch(url, { headers: headers() }).then((r) => parse<T>(r));
}

export function postJSON<T>(url: string, body: unknown): Promise<T> {
  return fetch(url, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) }).then((r) => parse<T>(r));
}

/** The Temporal Web UI page of a workflow. */
export function webUi(workflowId: string): string {
  const c = config ?? { uiBase: 'http://localhost:8233', namespace: 'default' };
  return `${c.uiBase}/namespaces/${encodeURIComponent(c.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function setConn(text: string): void {
  const el = document.getElementById('conn');
  if (el) el.textContent = text;
}

async function readStream(res: Response, onSnapshot: (data: unknown) => void): Promise<void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const chunk = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = chunk.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data) onSnapshot(JSON.parse(data));
    }
  }
}

/** Live snapshots of a topic (`epics`, `epic:<id>`) until the returned function is called; reconnects by itself. */
export function subscribe(topic: string, onSnapshot: (data: unknown) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | undefined;
  void (async () => {
    while (!stopped) {
      try {
        ctrl = new AbortController();
        const res = await fetch(`/api/events?topic=${encodeURIComponent(topic)}`, { headers: headers(), signal: ctrl.signal });
        if (!res.ok) await parse(res);
        setConn('live');
        await readStream(res, onSnapshot);
      } catch {
        if (stopped) return;
      }
      setConn('reconnecting…');
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}
