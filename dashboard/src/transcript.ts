/** A session transcript, as the server renders it: assistant text, tool calls with their input, tool results. */
import { h } from './dom';

export type Entry =
  | { kind: 'system' | 'prompt' | 'assistant'; text: string }
  | { kind: 'tool_call'; tool: string; text: string }
  | { kind: 'tool_result'; text: string; isError: boolean }
  | { kind: 'result'; text: string; isError: boolean; costUsd?: number; turns?: number };

function entry(e: Entry): HTMLElement {
  switch (e.kind) {
    case 'assistant':
      return h('div', { class: 't-assistant' }, h('span', { class: 't-who' }, 'assistant'), h('p', {}, e.text));
    case 'prompt':
      return h('details', { class: 't-prompt' }, h('summary', {}, 'prompt'), h('pre', {}, e.text));
    case 'tool_call':
      return h('details', { class: 't-tool' }, h('summary', {}, `tool call: ${e.tool}`), h('pre', {}, e.text));
    case 'tool_result':
      return h('details', { class: `t-result${e.isError ? ' t-error' : ''}` }, h('summary', {}, e.isError ? 'tool result (error)' : 'tool result'), h('pre', {}, e.text));
    case 'result':
      return h('div', { class: `t-final${e.isError ? ' t-error' : ''}` }, h('span', { class: 't-who' }, `session ended${e.turns ? ` after ${e.turns} turns` : ''}${e.costUsd !== undefined ? `, $${e.costUsd.toFixed(4)}` : ''}`), h('pre', {}, e.text));
    default:
      return h('div', { class: 't-system' }, e.text);
  }
}

export function renderTranscript(name: string, entries: Entry[]): HTMLElement {
  return h('div', { class: 'transcript', role: 'region', 'aria-label': `transcript ${name}` }, ...(entries.length ? entries.map(entry) : [h('p', {}, 'empty')]));
}
