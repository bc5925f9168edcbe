/**
 * Recorded histories (test/histories) must not name the checkout they were recorded in: its paths are cut out of
 * the text and of the JSON payloads (base64 in the history: the agent's command, plan paths, stack traces). The
 * checkout's own files become relative to it, its parent's `../`. Replay reads neither.
 */
import path from 'node:path';

const JSON_PLAIN = Buffer.from('json/plain').toString('base64');

/** The history JSON (a recorded file's text) with `root` (a checkout, ending in a separator) made relative. */
export function withoutCheckoutPaths(json: string, root: string): string {
  const parent = path.dirname(path.resolve(root)) + path.sep;
  const scrub = (text: string) => text.split(root).join('').split(parent).join('../');
  const data = JSON.parse(scrub(json)) as unknown;
  visit(data, (payload) => {
    if (payload.metadata?.encoding !== JSON_PLAIN || typeof payload.data !== 'string') return;
    payload.data = Buffer.from(scrub(Buffer.from(payload.data, 'base64').toString('utf8')), 'utf8').toString('base64');
  });
  return JSON.stringify(data);
}

type Payload = { metadata?: { encoding?: string }; data?: unknown };

function visit(node: unknown, fn: (p: Payload) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => visit(n, fn));
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if ('metadata' in obj && 'data' in obj) fn(obj as Payload);
  for (const v of Object.values(obj)) visit(v, fn);
}
