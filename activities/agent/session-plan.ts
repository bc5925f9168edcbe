/** Which session an attempt runs: the one a previous attempt recorded, the one to resume, or a new one. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { safeComponent } from '../../common/ids';
import type { SessionKind } from '../../common/reports';
import { INTERRUPTED_PROMPT, resumePrompt, taskPrompt } from './prompts';
import type { AgentCheckpoint, AgentRunInput, SessionPlan } from './types';

export function transcriptPathFor(repoPath: string, epicId: string, itemId: string, kind: SessionKind, sessionId: string): string {
  return path.join(repoPath, '.overseer', 'logs', safeComponent(epicId), safeComponent(itemId), `${kind}-${sessionId}.jsonl`);
}

/** A new session with the full task prompt. */
export function freshSession(input: AgentRunInput): SessionPlan {
  const id = randomUUID();
  return {
    prompt: taskPrompt({ epicId: input.epicId, item: input.item, kind: input.kind, branch: input.branch, targetBranch: input.targetBranch, instructions: input.instructions }),
    newSessionId: id,
    transcriptPath: transcriptPathFor(input.repoPath, input.epicId, input.item.id, input.kind, id),
  };
}

/**
 * A checkpoint names the session even if the CLI's init never reached the server: try to continue it (the runner
 * starts afresh when the CLI does not know it).
 */
export function sessionFor(input: AgentRunInput, previous: AgentCheckpoint | undefined): { plan: SessionPlan; resumedAfterInterruption: boolean } {
  if (previous?.sessionId) {
    return {
      plan: { prompt: resumePrompt(input.kind, INTERRUPTED_PROMPT), resume: previous.sessionId, transcriptPath: previous.transcriptPath },
      resumedAfterInterruption: true,
    };
  }
  if (input.resumeSessionId) {
    return {
      plan: {
        prompt: resumePrompt(input.kind, input.instructions),
        resume: input.resumeSessionId,
        transcriptPath: transcriptPathFor(input.repoPath, input.epicId, input.item.id, input.kind, input.resumeSessionId),
      },
      resumedAfterInterruption: false,
    };
  }
  return { plan: freshSession(input), resumedAfterInterruption: false };
}
