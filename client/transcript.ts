/**
 * A Claude Code stream-json transcript rendered for a person: assistant text, each tool call with a one-line
 * summary of its input, results shortened, permission denials, and the session's cost and tokens.
 */

type Json = Record<string, unknown>;

const one = (s: string, max = 160) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The one-line summary of a tool call's input: the command, the file, the pattern... */
export function summarizeToolInput(name: string, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : {}) as Json;
  const pick = (...keys: string[]) => keys.map((k) => i[k]).find((v) => typeof v === 'string') as string | undefined;
  const main = pick('command', 'file_path', 'path', 'notebook_path', 'pattern', 'url', 'query', 'description', 'prompt');
  if (main !== undefined) return one(name === 'Edit' && typeof i.old_string === 'string' ? `${main} (replace ${one(i.old_string, 40)})` : main, 140);
  const text = JSON.stringify(i);
  return one(text === '{}' ? '' : text, 140);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (c && typeof c === 'object' && typeof (c as Json).text === 'string' ? (c as Json).text : '')).join(' ');
  return content === undefined ? '' : JSON.stringify(content);
}

export interface TranscriptTotals {
  costUsd?: number;
  inputTokens: number;
  outputTokens: number;
  turns?: number;
}

/** Renders one stream-json line (undefined for events a person need not see). */
export function renderEvent(line: string): string[] {
  let ev: Json;
  try {
    ev = JSON.parse(line) as Json;
  } catch {
    return line.trim() ? [`  (not JSON) ${one(line)}`] : [];
  }
  const msg = (ev.message ?? {}) as Json;
  switch (ev.type) {
    case 'system':
      if (ev.subtype === 'init') return [`── session ${ev.session_id ?? '?'} (claude ${ev.claude_code_version ?? '?'}, model ${ev.model ?? '?'}, ${ev.permissionMode ?? ''})`.replace(', )', ')')];
      if (ev.subtype === 'permission_denied') return [`  ✗ permission denied: ${ev.tool_name ?? '?'} — ${ev.message ?? ev.decision_reason ?? ''}`];
      return [];
    case 'assistant':
      return (Array.isArray(msg.content) ? msg.content : []).flatMap((c: Json) => {
        if (c.type === 'text' && typeof c.text === 'string' && c.text.trim()) return c.text.trim().split('\n').map((l: string) => `  ${l}`);
        if (c.type === 'tool_use') return [`  → ${c.name}: ${summarizeToolInput(String(c.name), c.input)}`];
        return [];
      });
    case 'user':
      return (Array.isArray(msg.content) ? msg.content : []).flatMap((c: Json) =>
        c.type === 'tool_result' ? [`    ${c.is_error ? '✗' : '←'} ${one(contentText(c.content), 120)}`] : [],
      );
    case 'result': {
      const denials = Array.isArray(ev.permission_denials) ? (ev.permission_denials as Json[]) : [];
      const usage = (ev.usage ?? {}) as Json;
      const out = [
        `── result: ${ev.subtype ?? '?'}${ev.is_error ? ' (error)' : ''}, ${ev.num_turns ?? '?'} turns, $${Number(ev.total_cost_usd ?? 0).toFixed(4)}, tokens in ${usage.input_tokens ?? 0} / out ${usage.output_tokens ?? 0}`,
      ];
      for (const d of denials) out.push(`  ✗ denied during the session: ${d.tool_name} ${summarizeToolInput(String(d.tool_name), d.tool_input)}`);
      if (typeof ev.result === 'string' && ev.result.trim()) out.push(`  ${one(ev.result, 300)}`);
      return out;
    }
    default:
      return [];
  }
}

export function renderTranscript(text: string): string[] {
  return text.split('\n').flatMap(renderEvent);
}

/** Cost and tokens of a transcript, from its `result` events (a resumed session appends more). */
export function transcriptTotals(text: string): TranscriptTotals {
  const t: TranscriptTotals = { inputTokens: 0, outputTokens: 0 };
  for (const line of text.split('\n')) {
    if (!line.includes('"type":"result"')) continue;
    try {
      const ev = JSON.parse(line) as Json;
      const usage = (ev.usage ?? {}) as Json;
      t.inputTokens += Number(usage.input_tokens ?? 0) + Number(usage.cache_read_input_tokens ?? 0) + Number(usage.cache_creation_input_tokens ?? 0);
      t.outputTokens += Number(usage.output_tokens ?? 0);
      t.costUsd = (t.costUsd ?? 0) + Number(ev.total_cost_usd ?? 0);
      t.turns = (t.turns ?? 0) + Number(ev.num_turns ?? 0);
    } catch {
      /* a line being written */
    }
  }
  return t;
}
