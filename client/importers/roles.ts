/** Role names an importer may assign: Overseer's own role prompts plus the repository's `.claude/agents/*.md`. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_AGENTS_DIR } from '../../activities/agent/prompts';

function mdNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
  } catch {
    return [];
  }
}

export function knownRoles(repoPath: string): Set<string> {
  return new Set([...mdNames(BUILTIN_AGENTS_DIR), ...mdNames(path.join(repoPath, '.claude', 'agents'))]);
}
