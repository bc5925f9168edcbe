/**
 * Ids and names derived from plan ids: workflow ids (DESIGN §3), branch names and worktree paths.
 * Pure functions, safe in workflow code.
 */

export const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Ids become branch names, workflow ids and folder names: long ones fail inside git, so they are refused up front. */
export const MAX_ID_LENGTH = 64;

export const ID_CHARACTERS_MESSAGE = 'may only contain letters, digits, ".", "_" and "-"';
export const ID_LENGTH_MESSAGE = `may be at most ${MAX_ID_LENGTH} characters long`;

/** Why a string cannot be an epic or item id, or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (id.length === 0) return 'must not be empty';
  if (!ID_PATTERN.test(id)) return ID_CHARACTERS_MESSAGE;
  if (id.length > MAX_ID_LENGTH) return `${ID_LENGTH_MESSAGE} (it has ${id.length})`;
  return undefined;
}

export const TASK_QUEUE = 'overseer';
export const AGENT_TASK_QUEUE = 'overseer-agents';

export function epicWorkflowId(epicId: string): string {
  return `epic/${epicId}`;
}

export function itemWorkflowId(epicId: string, itemId: string): string {
  return `epic/${epicId}/item/${itemId}`;
}

export function mergeQueueWorkflowId(repoKey: string): string {
  return `merge-queue/${repoKey}`;
}

/** Parses `epic/<epicId>` (any run) back into the epic id. */
export function epicIdFromWorkflowId(workflowId: string): string | undefined {
  const m = /^epic\/([^/]+)$/.exec(workflowId);
  return m ? m[1] : undefined;
}

/** 32-bit FNV-1a, hex. Deterministic and dependency-free (no Node crypto in workflow code). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * One component of a git ref or a path, derived from an id. Ids are already limited to [A-Za-z0-9._-], but git
 * refuses components that start with '.' or '-'... (check-ref-format), contain '..' or end in '.lock' or '.'.
 * Those are rewritten, with a hash suffix so two different ids never map to the same name.
 */
export function safeComponent(id: string): string {
  let name = id.replace(/[^A-Za-z0-9._-]/g, '_');
  const unsafe =
    name !== id || /^[.-]/.test(name) || name.includes('..') || /\.lock$/i.test(name) || name.endsWith('.') || name === '';
  if (!unsafe) return name;
  name = name.replace(/^[.-]+/, '_').replace(/\.\.+/g, '_').replace(/\.lock$/i, '_lock').replace(/\.+$/, '_');
  return `${name || '_'}-${fnv1a(id).slice(0, 6)}`;
}

/** The item id a validation session runs under (the product manager's session of each round). */
export const VALIDATION_ITEM_ID = '_validation';

export function itemBranch(epicId: string, itemId: string): string {
  return `overseer/${safeComponent(epicId)}/${safeComponent(itemId)}`;
}

/** The merge queue of a git remote's target branch (issue 12: one queue per remote URL and target branch). */
export function remoteQueueKey(url: string, targetBranch: string): string {
  return `${remoteRepoName(url)}-${safeComponent(targetBranch)}-${fnv1a(`${url}\n${targetBranch}`)}`;
}

/** The repository's name in a remote's URL (`.../team/app.git` → `app`), the readable start of its queue's key. */
export function remoteRepoName(url: string): string {
  return safeComponent(url.replace(/[\\/]+$/, '').replace(/\.git$/, '').split(/[\\/:]/).pop() || 'remote');
}

/** A short, readable, unique key for a repository path: `<basename>-<hash>`. */
export function repoKey(repoPath: string): string {
  const trimmed = repoPath.replace(/[\\/]+$/, '');
  const base = trimmed.split(/[\\/]/).pop() || 'repo';
  return `${safeComponent(base)}-${fnv1a(trimmed)}`;
}
