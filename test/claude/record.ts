/**
 * Recording the real CLI's stream-json events for the fidelity test (test/unit/fake-claude-fidelity.test.ts).
 * Only when OVERSEER_RECORD_CLAUDE_EVENTS=1: `OVERSEER_RECORD_CLAUDE_EVENTS=1 npm run test:claude` refreshes
 * test/fixtures/real-claude-events/ after a CLI upgrade. Temporary paths are shortened so the files stay stable.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_EVENTS_DIR = fileURLToPath(new URL('../fixtures/real-claude-events/', import.meta.url));

export function recordEvents(name: string, transcriptPath: string): void {
  if (process.env.OVERSEER_RECORD_CLAUDE_EVENTS !== '1') return;
  const tmp = os.tmpdir().replace(/\/$/, '');
  const text = readFileSync(transcriptPath, 'utf8')
    .split(tmp + '/').join('/tmp/')
    .replace(/\/tmp\/overseer-([a-z-]+)-[A-Za-z0-9]{6}/g, '/tmp/overseer-$1-XXXXXX')
    .replace(/-tmp-overseer-([a-z-]+)-[A-Za-z0-9]{6}/g, '-tmp-overseer-$1-XXXXXX')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/\/cc-socks\/\d+\.sock/g, '/cc-socks/PID.sock');
  mkdirSync(REAL_EVENTS_DIR, { recursive: true });
  writeFileSync(path.join(REAL_EVENTS_DIR, `${name}.jsonl`), text);
}
