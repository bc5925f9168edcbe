/**
 * `overseer dashboard`: the HTTP server (Hono on Node) for the page (dashboard/dist) and its API. Binds
 * 127.0.0.1 unless told otherwise; anywhere else needs OVERSEER_DASHBOARD_TOKEN.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { DIST_DIR, ensureDashboardBuilt } from './build';
import { LiveFeed } from './live';
import { apiRoutes } from './routes';
import { checkListen, guard } from './security';
import { fetchTopic } from './snapshots';
import { queriesSettled } from './queries';

export interface DashboardOptions {
  client: Client;
  namespace: string;
  host?: string;
  port?: number;
  token?: string;
  /** The Temporal Web UI the page links to. */
  uiBase?: string;
  pollMs?: number;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };

function staticRoutes(app: Hono): void {
  const send = async (file: string) => {
    const body = await readFile(path.join(DIST_DIR, file));
    return new Response(body, {
      headers: {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        ...(file === 'index.html' ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'" } : {}),
      },
    });
  };
  app.get('/app.js', () => send('app.js'));
  app.get('/app.css', () => send('app.css'));
  app.get('/', () => send('index.html'));
  app.get('/epic/*', () => send('index.html'));
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token || undefined;
  checkListen(host, token);
  await ensureDashboardBuilt();
  const every = opts.pollMs ?? 500;
  // The list of epics queries every epic: poll it half as often as one epic's page.
  const feed = new LiveFeed((topic) => fetchTopic(opts.client, topic), (topic) => (topic === 'epics' ? every * 2 : every));
  let server: ServerType | undefined;
  const port = () => (server?.address() as AddressInfo | null)?.port ?? opts.port ?? 0;
  const app = new Hono();
  app.use('*', guard({ host, token, port }));
  apiRoutes(app, {
    client: opts.client,
    namespace: opts.namespace,
    uiBase: (opts.uiBase ?? process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233').replace(/\/$/, ''),
    tokenRequired: Boolean(token),
    feed,
  });
  staticRoutes(app);
  await new Promise<void>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: opts.port ?? 8234, hostname: host }, () => resolve());
    server.once('error', reject);
  });
  const bound = port();
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`,
    port: bound,
    async close() {
      await feed.close();
      await queriesSettled(opts.client);
      await new Promise<void>((resolve) => {
        const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void };
        s.close(() => resolve());
        s.closeAllConnections?.();
      });
    },
  };
}
