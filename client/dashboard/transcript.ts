/**
 * A Claude Code stream-json transcript, rendered readably: the assistant's text, each tool call with its input,
 * each tool result, and the session's result line. Secrets that look like keys or tokens are masked; long
 * outputs are cut. Only files the item's status names (or its gate logs) are ever read.
 */
import { readFile } from 'node:fs/promises';

export type TranscriptEntry =
  | { kind: 'system'; text: string }
  | { kind: 'prompt'; text: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'tool_call'; tool: string; text: string }
  | { kind: 'tool_result'; text: string; isError: boolean }
  | { kind: 'result'; text: string; isError: boolean; costUsd?: number; turns?: number };

export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

const MAX_TEXT = 4000;

const SECRET_PATTERNS: RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9]{20,}/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,})/g,
  /\b(AKIA[0-9A-Z]{16})\b/g,
  /(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi,
  /\b([A-Z0-9_]*(?:API_KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)[A-Z0-9_]*\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/g,
];

/** Masks anything that looks like a credential. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (m, p1: unknown) => (typeof p1 === 'string' && p1 !== m && /[=:\s]$/.test(p1) ? `${p1}[redacted]` : '[redacted]'));
  }
  return out;
}

function clip(text: string): string {
  const t = redact(text);
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}\n… (${t.length - MAX_TEXT} more characters)` : t;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? c : typeof c?.text === 'string' ? c.text : JSON.stringify(c))).join('\n');
  return content === undefined ? '' : JSON.stringify(content);
}

type Block = { type?: string; text?: string; name?: string; input?: unknown; content?: unknown; is_error?: boolean };
type Event = { type?: string; subtype?: string; model?: string; message?: { content?: unknown }; result?: unknown; is_error?: boolean; total_cost_usd?: number; num_turns?: number };

function blockEntries(role: 'assistant' | 'user', content: unknown): TranscriptEntry[] {
  if (typeof content === 'string') return role === 'user' ? [{ kind: 'prompt', text: clip(content) }] : [{ kind: 'assistant', text: clip(content) }];
  if (!Array.isArray(content)) return [];
  return (content as Block[]).flatMap((b): TranscriptEntry[] => {
    if (b.type === 'text' && b.text) return [{ kind: role === 'user' ? 'prompt' : 'assistant', text: clip(b.text) }];
    if (b.type === 'tool_use') return [{ kind: 'tool_call', tool: b.name ?? 'tool', text: clip(JSON.stringify(b.input ?? {}, null, 2)) }];
    if (b.type === 'tool_result') return [{ kind: 'tool_result', text: clip(contentText(b.content)), isError: Boolean(b.is_error) }];
    return [];
  });
}

/** One stream-json line → the entries a reader wants (none for bookkeeping events). */
export function eventEntries(e: Event): TranscriptEntry[] {
  if (e.type === 'system' && e.subtype === 'init') return [{ kind: 'system', text: `session started${e.model ? ` (model ${e.model})` : ''}` }];
  if (e.type === 'assistant') return blockEntries('assistant', e.message?.content);
  if (e.type === 'user') return blockEntries('user', e.message?.content);
  if (e.type === 'result') {
    const text = typeof e.result === 'string' ? e.result : JSON.stringify(e.result ?? '');
    return [{ kind: 'result', text: clip(`${e.subtype ?? 'result'}: ${text}`), isError: Boolean(e.is_error), costUsd: e.total_cost_usd, turns: e.num_turns }];
  }
  return [];
}

function parseLines(raw: string): Event[] {
  const out: Event[] = [];
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Event);
    } catch {
      /* a line cut by a crash: skip it */
    }
  }
  return out;
}

export async function renderTranscript(file: string): Promise<TranscriptEntry[]> {
  return parseLines(await readFile(file, 'utf8')).flatMap(eventEntries);
}

/** Token totals over the result lines of the given transcripts (files that are not on this machine count 0). */
export async function tokenTotals(files: string[]): Promise<Tokens & { missing: number }> {
  const t = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, missing: 0 };
  for (const f of files) {
    let raw: string;
    try {
      raw = await readFile(f, 'utf8');
    } catch {
      t.missing++;
      continue;
    }
    for (const e of parseLines(raw) as (Event & { usage?: Record<string, number> })[]) {
      if (e.type !== 'result' || !e.usage) continue;
      t.input += e.usage.input_tokens ?? 0;
      t.output += e.usage.output_tokens ?? 0;
      t.cacheRead += e.usage.cache_read_input_tokens ?? 0;
      t.cacheCreation += e.usage.cache_creation_input_tokens ?? 0;
    }
  }
  return t;
}
