/**
 * A scripted Anthropic Messages API on 127.0.0.1 for the real Claude Code CLI (`ANTHROPIC_BASE_URL`).
 *
 * The CLI sends `POST /v1/messages` with `stream: true` and the whole conversation each time; the reply is a
 * Server-Sent Events stream (message_start, content_block_start/delta/stop with text_delta or input_json_delta,
 * message_delta with the stop reason, message_stop). What to answer is decided by a script per work item, from
 * the conversation itself: which session it is (the first prompt names the item and the kind of session), which
 * prompt of that session is being answered (`turn`: 0 for the task, 1 for the first `--resume`...) and how many
 * model calls that prompt already had (`step`). So a resumed session continues its script, and a CLI retry of a
 * failed call asks the same step again (`attempt` counts those). Replies can also be HTTP errors (429, 529, 401)
 * or a stall (the request is held open, never answered). Requests the CLI makes besides the main loop are answered with
 * something sensible, and anything unexpected is logged in `unknown`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export type Reply =
  | { type: 'message'; blocks: Block[] }
  | { type: 'error'; status: number; errorType: string; message: string; headers?: Record<string, string> }
  | { type: 'stall' };

export type SessionKindSeen = 'implement' | 'fix' | 'address-review' | 'review' | 'tech-lead' | 'resolve-conflict' | 'validate' | 'unknown';

export interface ToolResultSeen {
  name?: string;
  input?: Record<string, unknown>;
  content: string;
  isError: boolean;
}

/** What a script knows about the request it answers. */
export interface RequestContext {
  itemId?: string;
  kind: SessionKindSeen;
  /** The CLI's session id (`x-claude-code-session-id`). */
  sessionId?: string;
  /** The session's working directory, from the environment section the CLI sends. */
  cwd?: string;
  /** Every human prompt of the conversation, oldest first. */
  prompts: string[];
  /** The prompt being answered (the last of `prompts`). */
  prompt: string;
  turn: number;
  /** Model calls already answered for this prompt (each ended with tool calls whose results came back). */
  step: number;
  /** Earlier requests for exactly this session, turn and step (CLI retries after an error or a stall). */
  attempt: number;
  /** Tool results sent back for this prompt so far, oldest first. */
  toolResults: ToolResultSeen[];
  /** Names of the tools the CLI offered. */
  tools: string[];
  model: string;
}

export type Script = (ctx: RequestContext) => Reply;

export interface LoggedRequest {
  n: number;
  method: string;
  path: string;
  /** What the server answered: an HTTP status, or `stall`. */
  answer: number | 'stall';
  ctx?: RequestContext;
  /** The raw conversation of a main-loop request (kept for assertions on resumed sessions). */
  messages?: unknown[];
}

export interface MessagesServer {
  url: string;
  requests: LoggedRequest[];
  /** Requests no route knew; a test can assert it stays empty, or print it to find what the CLI needs. */
  unknown: LoggedRequest[];
  /** Sets the script of one work item (by id); others use the default script. */
  script(itemId: string, script: Script): void;
  close(): Promise<void>;
}

// ---- replies ----

export const text = (t: string): Reply => ({ type: 'message', blocks: [{ type: 'text', text: t }] });
export const tool = (name: string, input: Record<string, unknown>, preface?: string): Reply => ({
  type: 'message',
  blocks: [...(preface ? [{ type: 'text' as const, text: preface }] : []), { type: 'tool_use', name, input }],
});
/** The report for `--json-schema`: the CLI offers a `StructuredOutput` tool whose input is the report. */
export const report = (value: Record<string, unknown>): Reply => tool('StructuredOutput', value);
export const stall = (): Reply => ({ type: 'stall' });
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
export const apiError = (status: number, message?: string): Reply => ({
  type: 'error',
  status,
  errorType: ERROR_TYPES[status] ?? 'api_error',
  message: message ?? (status === 401 ? 'invalid x-api-key' : status === 429 ? 'Number of requests has exceeded your rate limit' : status === 529 ? 'Overloaded' : 'error'),
});
/**
 * The account's usage limit as the API reports it to a subscription: a 429 with the `anthropic-ratelimit-unified-*`
 * headers the CLI reads (`rejected`, the reset as epoch seconds, the window that was hit).
 */
export const usageLimit = (resetsAt: number, claim = 'five_hour'): Reply => ({
  ...(apiError(429, 'This request would exceed your account\'s rate limit. Please try again later.') as Extract<Reply, { type: 'error' }>),
  headers: {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(resetsAt),
    'anthropic-ratelimit-unified-representative-claim': claim,
    'retry-after': String(Math.max(0, resetsAt - Math.floor(Date.now() / 1000))),
  },
});

/**
 * The common shape of a session: these replies, one per model call, then a closing text (the CLI ends the turn as
 * soon as its StructuredOutput call is answered, so that text is only asked for by a script without a report).
 */
export function steps(...replies: ((ctx: RequestContext) => Reply)[]): Script {
  return (ctx) => (ctx.step < replies.length ? replies[ctx.step](ctx) : text('Done.'));
}
/** The CLI's Write wants an absolute path: a relative one is taken from the session's working directory. */
export const writeFile = (file: string, content: string) => (ctx: RequestContext) =>
  tool('Write', { file_path: file.startsWith('/') || !ctx.cwd ? file : `${ctx.cwd}/${file}`, content }, `I'll write ${file}.`);
export const bash = (command: string, description = `Run ${command}`) => () => tool('Bash', { command, description });
export const reportWith = (value: Record<string, unknown>) => () => report(value);

/** What an item does when no test scripted it: implement writes a file and checks git, review approves. */
export const defaultScript: Script = (ctx) => {
  const id = ctx.itemId ?? 'item';
  switch (ctx.kind) {
    case 'review':
    case 'validate':
      return steps(bash('git status --short', 'Show the working tree status'), reportWith(ctx.kind === 'review' ? { verdict: 'approve', findings: [], summary: `Approved ${id}` } : { verdict: 'approved', followUps: [] }))(ctx);
    case 'tech-lead':
      return steps(reportWith({ decision: 'approve', reasons: ['good enough'] }))(ctx);
    default:
      return steps(
        writeFile(`src/${id}.txt`, `implemented ${id}\n`),
        bash('git status --short', 'Show the working tree status'),
        reportWith({ status: 'done', summary: `Implemented ${id}` }),
      )(ctx);
  }
};

// ---- conversation analysis ----

interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
  tool_use_id?: string;
  content?: string | { type: string; text?: string }[];
  is_error?: boolean;
}
interface Message {
  role: string;
  content: string | ContentBlock[];
}

const blocksOf = (m: Message): ContentBlock[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content ?? []);
/** Text the CLI adds to user messages itself: context reminders, and its nudge to call StructuredOutput. */
const isCliNote = (t: string) => /^\s*(<system-reminder>|\[structured-output-enforce\])/.test(t);
const resultText = (c: ContentBlock['content']): string => (typeof c === 'string' ? c : (c ?? []).map((x) => x.text ?? '').join(''));

function kindOf(firstPrompt: string): SessionKindSeen {
  if (/^Implement this work item/m.test(firstPrompt)) return 'implement';
  if (/^Review the change made/m.test(firstPrompt)) return 'review';
  if (/^As tech lead/m.test(firstPrompt)) return 'tech-lead';
  if (/^The branch of this work item .* conflicts/m.test(firstPrompt)) return 'resolve-conflict';
  if (/^Validate the integrated result/m.test(firstPrompt)) return 'validate';
  if (/^(Fix|Address)/m.test(firstPrompt)) return /review/i.test(firstPrompt) ? 'address-review' : 'fix';
  return 'unknown';
}

export function analyse(body: { messages?: Message[]; system?: unknown; tools?: { name: string }[]; model?: string }, sessionId?: string): Omit<RequestContext, 'attempt'> {
  const messages = (body.messages ?? []).filter((m) => m.role === 'user' || m.role === 'assistant');
  // Flattened in order: a resumed conversation can carry the new prompt in the same user message as the last
  // tool results of the previous turn (consecutive user messages are merged), so prompts are found per block.
  const prompts: string[] = [];
  let step = 0;
  let calls = new Map<string, { name?: string; input?: Record<string, unknown> }>();
  let toolResults: ToolResultSeen[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') step++;
    for (const b of blocksOf(m)) {
      if (m.role === 'assistant' && b.type === 'tool_use' && b.id) calls.set(b.id, { name: b.name, input: b.input });
      if (m.role !== 'user') continue;
      if (b.type === 'tool_result') toolResults.push({ ...calls.get(b.tool_use_id ?? ''), content: resultText(b.content), isError: Boolean(b.is_error) });
      // Each text block that the CLI did not add itself is one prompt (a resumed session after a failed turn
      // sends the old and the new prompt as two text blocks of one user message).
      if (b.type === 'text' && b.text && !isCliNote(b.text)) {
        prompts.push(b.text);
        step = 0;
        calls = new Map();
        toolResults = [];
      }
    }
  }
  const everything = JSON.stringify(body.messages ?? []) + JSON.stringify(body.system ?? '');
  const cwd = /Primary working directory: ([^\\\n]+)/.exec(everything)?.[1]?.trim();
  const first = prompts[0] ?? '';
  return {
    itemId: /^# ([A-Za-z0-9._-]+): /m.exec(first)?.[1],
    kind: kindOf(first),
    sessionId,
    cwd,
    prompts,
    prompt: prompts.at(-1) ?? '',
    turn: Math.max(0, prompts.length - 1),
    step,
    toolResults,
    tools: (body.tools ?? []).map((t) => t.name),
    model: body.model ?? 'claude-test',
  };
}

// ---- the server ----

const id = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

function sse(res: http.ServerResponse, blocks: Block[], model: string): void {
  const send = (event: string, data: Record<string, unknown>) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': id('req_') });
  send('message_start', {
    message: {
      id: id('msg_'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: 'standard' },
    },
  });
  send('ping', {});
  let output = 0;
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      // Two deltas, so the CLI really accumulates.
      const cut = Math.ceil(b.text.length / 2);
      for (const part of [b.text.slice(0, cut), b.text.slice(cut)]) if (part) send('content_block_delta', { index, delta: { type: 'text_delta', text: part } });
      output += Math.ceil(b.text.length / 4);
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: id('toolu_'), name: b.name, input: {} } });
      // Tool input arrives as partial JSON strings; the CLI parses the concatenation at content_block_stop.
      const json = JSON.stringify(b.input);
      const cut = Math.ceil(json.length / 2);
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(0, cut) } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(cut) } });
      output += Math.ceil(json.length / 4);
    }
    send('content_block_stop', { index });
  });
  const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: Math.max(1, output) } });
  send('message_stop', {});
  res.end();
}

function plainMessage(blocks: Block[], model: string) {
  return {
    id: id('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content: blocks.map((b) => (b.type === 'text' ? b : { type: 'tool_use', id: id('toolu_'), name: b.name, input: b.input })),
    stop_reason: blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10, service_tier: 'standard' },
  };
}

export async function startMessagesServer(opts: { script?: Script } = {}): Promise<MessagesServer> {
  const scripts = new Map<string, Script>();
  const requests: LoggedRequest[] = [];
  const unknown: LoggedRequest[] = [];
  const attempts = new Map<string, number>();
  const stalled = new Set<http.ServerResponse>();
  let n = 0;

  const json = (res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req_'), ...headers });
    res.end(JSON.stringify(value));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const entry: LoggedRequest = { n: ++n, method: req.method ?? 'GET', path: url.pathname, answer: 200 };
      requests.push(entry);
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        /* not JSON */
      }
      const reply = (status: number, value: unknown, headers?: Record<string, string>) => {
        entry.answer = status;
        json(res, status, value, headers);
      };

      if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
        return reply(200, { input_tokens: Math.ceil(JSON.stringify(body.messages ?? []).length / 4) });
      }
      // Reachability probes: `HEAD /api/hello` comes when CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is not set.
      if ((req.method === 'GET' || req.method === 'HEAD') && ['/', '/v1', '/api/hello'].includes(url.pathname)) return reply(200, {});
      if (req.method === 'GET' && url.pathname.startsWith('/v1/models')) {
        const model = (m: string) => ({ type: 'model', id: m, display_name: m, created_at: '2026-01-01T00:00:00Z' });
        const rest = url.pathname.slice('/v1/models'.length).replace(/^\//, '');
        return reply(200, rest ? model(decodeURIComponent(rest)) : { data: [model('claude-opus-5-5'), model('claude-sonnet-4-5'), model('claude-haiku-4-5')], has_more: false, first_id: null, last_id: null });
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
        entry.answer = 404;
        unknown.push(entry);
        return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${url.pathname}` } });
      }

      const sessionId = typeof req.headers['x-claude-code-session-id'] === 'string' ? req.headers['x-claude-code-session-id'] : undefined;
      const seen = analyse(body as Parameters<typeof analyse>[0], sessionId);
      const model = String(body.model ?? seen.model);
      // Requests outside a work item's session (a side query of the CLI): a short, harmless answer.
      if (!seen.itemId || !(seen.tools ?? []).length) {
        entry.answer = 200;
        if (body.stream) return sse(res, [{ type: 'text', text: 'ok' }], model);
        return reply(200, plainMessage([{ type: 'text', text: 'ok' }], model));
      }
      const key = `${sessionId}|${seen.turn}|${seen.step}`;
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const ctx: RequestContext = { ...seen, attempt };
      entry.ctx = ctx;
      entry.messages = body.messages as unknown[];
      const r = (scripts.get(seen.itemId) ?? opts.script ?? defaultScript)(ctx);
      if (r.type === 'stall') {
        entry.answer = 'stall';
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      }
      if (r.type === 'error') {
        const headers = { ...(r.status === 429 ? { 'retry-after': '0' } : {}), ...(r.headers ?? {}) };
        return reply(r.status, { type: 'error', error: { type: r.errorType, message: r.message }, request_id: id('req_') }, headers);
      }
      if (body.stream) return sse(res, r.blocks, model);
      return reply(200, plainMessage(r.blocks, model));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unknown,
    script: (itemId, script) => void scripts.set(itemId, script),
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
