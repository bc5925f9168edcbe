/** The dashboard's JSON API (read: epics, an epic, its graph, an item; write: answers and decisions) and its live feed. */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { epicDag, itemDetail, epicStatus } from './epics';
import { layoutDag } from './layout';
import { gateLogs, readGateLog } from './logs';
import { redact, renderTranscript, tokenTotals } from './transcript';
import { answer, perform, Refused, type ActionRequest } from './actions';
import { epicSnapshot, epicsSnapshot } from './snapshots';
import type { LiveFeed } from './live';

export interface ApiContext {
  client: Client;
  namespace: string;
  uiBase: string;
  tokenRequired: boolean;
  feed: LiveFeed;
}

function failure(c: Context, err: unknown) {
  const message = err instanceof Error ? err.message || err.name : String(err);
  if (err instanceof Refused) return c.json({ error: message }, 409);
  if (err instanceof Error && err.name === 'WorkflowNotFoundError') return c.json({ error: message }, 404);
  return c.json({ error: message }, 500);
}

async function body(c: Context): Promise<Record<string, unknown>> {
  try {
    const b = (await c.req.json()) as unknown;
    return b && typeof b === 'object' ? (b as Record<string, unknown>) : {};
  } catch {
    throw new Refused('the request body is not JSON');
  }
}

async function graph(ctx: ApiContext, epicId: string) {
  const [dag, status] = await Promise.all([epicDag(ctx.client, ctx.namespace, epicId), epicStatus(ctx.client, epicId)]);
  const known = new Set(dag.nodes.map((n) => n.id));
  // Follow-ups the validation added in this run are not in the run's input yet.
  const nodes = [...dag.nodes, ...status.items.filter((i) => !known.has(i.itemId)).map((i) => ({ id: i.itemId, title: i.title, dependsOn: [] }))];
  return layoutDag(nodes);
}

async function item(ctx: ApiContext, epicId: string, itemId: string) {
  const detail = await itemDetail(ctx.client, epicId, itemId);
  if (!detail) throw new Refused(`epic ${epicId} has no item ${itemId}`);
  const repoPath = (await epicStatus(ctx.client, epicId)).repoPath;
  const files = detail.transcripts ?? [];
  return {
    item: { ...detail, detail: detail.detail && redact(detail.detail), history: detail.history?.map(redact), transcripts: files.map((f) => path.basename(f)) },
    tokens: await tokenTotals(files),
    gateLogs: await gateLogs(repoPath, epicId, itemId),
  };
}

async function transcript(ctx: ApiContext, epicId: string, itemId: string, index: number) {
  const detail = await itemDetail(ctx.client, epicId, itemId);
  const file = detail?.transcripts?.[index];
  if (!file) throw new Refused(`item ${itemId} has no transcript #${index}`);
  try {
    return { name: path.basename(file), entries: await renderTranscript(file) };
  } catch {
    throw new Refused(`the transcript ${path.basename(file)} is not on this machine (it stays on the worker that ran the session)`);
  }
}

function readRoutes(app: Hono, ctx: ApiContext): void {
  const run = (c: Context, f: () => Promise<unknown>) => f().then((v) => c.json(v as object), (err) => failure(c, err));
  app.get('/api/config', (c) => c.json({ tokenRequired: ctx.tokenRequired, namespace: ctx.namespace, uiBase: ctx.uiBase }));
  app.get('/api/epics', (c) => run(c, () => epicsSnapshot(ctx.client)));
  app.get('/api/epics/:epicId', (c) => run(c, () => epicSnapshot(ctx.client, c.req.param('epicId'))));
  app.get('/api/epics/:epicId/graph', (c) => run(c, () => graph(ctx, c.req.param('epicId'))));
  app.get('/api/epics/:epicId/items/:itemId', (c) => run(c, () => item(ctx, c.req.param('epicId'), c.req.param('itemId'))));
  app.get('/api/epics/:epicId/items/:itemId/transcripts/:n', (c) =>
    run(c, () => transcript(ctx, c.req.param('epicId'), c.req.param('itemId'), Number(c.req.param('n')))),
  );
  app.get('/api/epics/:epicId/items/:itemId/gate-logs/:name', (c) =>
    run(c, async () => {
      const repoPath = (await epicStatus(ctx.client, c.req.param('epicId'))).repoPath;
      return { name: c.req.param('name'), text: await readGateLog(repoPath, c.req.param('epicId'), c.req.param('itemId'), c.req.param('name')) };
    }),
  );
}

function writeRoutes(app: Hono, ctx: ApiContext): void {
  app.post('/api/answer', async (c) => {
    try {
      const q = await answer(ctx.client, await body(c));
      return c.json({ ok: true, message: `answered ${q.questionId} (as ${q.answeredBy})`, question: q });
    } catch (err) {
      return failure(c, err);
    }
  });
  app.post('/api/epics/:epicId/actions', async (c) => {
    try {
      const b = await body(c);
      const req: ActionRequest = {
        action: b.action as ActionRequest['action'],
        itemId: typeof b.itemId === 'string' && b.itemId ? b.itemId : undefined,
        reason: typeof b.reason === 'string' ? b.reason : undefined,
        by: typeof b.by === 'string' ? b.by : undefined,
      };
      return c.json({ ok: true, message: await perform(ctx.client, c.req.param('epicId'), req) });
    } catch (err) {
      return failure(c, err);
    }
  });
}

function liveRoute(app: Hono, ctx: ApiContext): void {
  app.get('/api/events', (c) => {
    const topic = c.req.query('topic') ?? 'epics';
    return streamSSE(c, async (stream) => {
      let done!: () => void;
      const closed = new Promise<void>((r) => (done = r));
      const unsubscribe = ctx.feed.subscribe(topic, (snapshot) => {
        void stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snapshot) }).catch(() => done());
      });
      const ping = setInterval(() => void stream.write(': ping\n\n').catch(() => done()), 15_000);
      stream.onAbort(() => done());
      await closed;
      clearInterval(ping);
      unsubscribe();
    });
  });
}

export function apiRoutes(app: Hono, ctx: ApiContext): void {
  readRoutes(app, ctx);
  writeRoutes(app, ctx);
  liveRoute(app, ctx);
}
