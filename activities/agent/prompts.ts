/**
 * Prompts: the role prompt (appended to Claude Code's system prompt) and the task prompt of each kind of session.
 * A repository's own `.claude/agents/<role>.md` overrides the role prompt shipped in `agents/`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkItem } from '../../common/plan';
import type { SessionKind } from '../../common/reports';

export const BUILTIN_AGENTS_DIR = fileURLToPath(new URL('../../agents/', import.meta.url));

/** Which role prompt a kind of session uses when the item's own role is not the point. */
export function roleFor(kind: SessionKind, itemRole: string | undefined): string {
  if (kind === 'review') return 'peer-reviewer';
  if (kind === 'tech-lead') return 'tech-lead';
  if (kind === 'validate') return 'product-manager';
  return itemRole ?? 'universal-executor';
}

/** Strips YAML front matter (Claude Code agent files carry name/description/tools there). */
function body(markdown: string): string {
  return markdown.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '').trim();
}

export async function loadRolePrompt(role: string, repoPath: string): Promise<{ text: string; source: string }> {
  const safe = role.replace(/[^A-Za-z0-9._-]/g, '_');
  const candidates = [
    path.join(repoPath, '.claude', 'agents', `${safe}.md`),
    path.join(BUILTIN_AGENTS_DIR, `${safe}.md`),
    path.join(BUILTIN_AGENTS_DIR, 'universal-executor.md'),
  ];
  for (const file of candidates) {
    if (existsSync(file)) return { text: body(await readFile(file, 'utf8')), source: file };
  }
  return { text: `You are a careful software engineer acting as ${role}.`, source: '(built in)' };
}

export interface TaskContext {
  epicId: string;
  item: WorkItem;
  kind: SessionKind;
  branch?: string;
  targetBranch: string;
  /** Kind-specific material from the workflow: findings, gate output, the other side's position... */
  instructions?: string;
}

function itemBrief(item: WorkItem): string {
  const parts = [`# ${item.id}: ${item.title}`];
  if (item.description) parts.push(item.description);
  if (item.acceptance.length) parts.push(`Acceptance criteria:\n${item.acceptance.map((a) => `- ${a}`).join('\n')}`);
  if (item.files.length) parts.push(`Files to create or change:\n${item.files.map((f) => `- ${f}`).join('\n')}`);
  if (item.context?.length) parts.push(`Context:\n${item.context.map((c) => `- ${c}`).join('\n')}`);
  return parts.join('\n\n');
}

const REPORT_NOTE = 'Finish by returning your final report as the structured output the session asks for.';

const QUESTION_NOTE =
  'If you cannot continue without a decision from a human (an ambiguous requirement, a choice with real trade-offs), ' +
  'stop and report status "question" with one clear question, the options you see and the context needed to answer. ' +
  'If the task cannot be done at all, report status "blocked" and say why. Otherwise report status "done" with a short summary.';

/** The `-p` prompt for a new session. */
export function taskPrompt(ctx: TaskContext): string {
  const where = `You are working in a git worktree${ctx.branch ? ` on branch ${ctx.branch}` : ''}, started from ${ctx.targetBranch}. Work only inside it.`;
  const extra = ctx.instructions ? `\n\n${ctx.instructions}` : '';
  switch (ctx.kind) {
    case 'implement':
    case 'fix':
    case 'address-review':
      return [
        `Implement this work item of epic "${ctx.epicId}".`,
        itemBrief(ctx.item),
        where,
        'Make the change completely, with tests where the project has them, and run them. Commit when you are done (anything left uncommitted is committed for you).',
        QUESTION_NOTE,
      ].join('\n\n') + extra + `\n\n${REPORT_NOTE}`;
    case 'review':
      return [
        `Review the change made for this work item of epic "${ctx.epicId}", independently and critically.`,
        itemBrief(ctx.item),
        `${where} Inspect the change with \`git diff ${ctx.targetBranch}...HEAD\` and \`git log ${ctx.targetBranch}..HEAD\`.`,
        'Do NOT edit, create or delete any file: you are a reviewer. Judge correctness, completeness against the acceptance criteria, tests, security and maintainability.',
        'Report verdict "approve" when it can be merged as is, or "request_changes" with concrete findings (file, line, what is wrong and why).',
      ].join('\n\n') + extra + `\n\n${REPORT_NOTE}`;
    case 'tech-lead':
      return [
        `As tech lead, settle a disagreement between the implementer and the reviewer of this work item of epic "${ctx.epicId}".`,
        itemBrief(ctx.item),
        `${where} Inspect the change with \`git diff ${ctx.targetBranch}...HEAD\`.`,
        'Read both positions below, then decide: "approve" (the change may be merged; you may fix small things yourself first and commit them) or "reject" (it needs another implementation attempt). Give your reasons.',
      ].join('\n\n') + extra + `\n\n${REPORT_NOTE}`;
    case 'resolve-conflict':
      return [
        `The branch of this work item of epic "${ctx.epicId}" conflicts with ${ctx.targetBranch}, which moved on since the work started.`,
        itemBrief(ctx.item),
        where,
        `Run \`git merge ${ctx.targetBranch}\`, resolve every conflict so that both this item's intent and the changes already on ${ctx.targetBranch} are kept, run the project's tests, and commit the merge.`,
        `If you cannot resolve it safely, run \`git merge --abort\` and report status "blocked" explaining why. Otherwise report status "done".`,
      ].join('\n\n') + extra + `\n\n${REPORT_NOTE}`;
    case 'validate':
      return [
        `Validate the integrated result of epic "${ctx.epicId}" on ${ctx.targetBranch} as its product manager.`,
        where,
        'Check that the work items together deliver the epic. Do not edit files. Report verdict "approved", or "needs_work" with follow-up items (title and description each) that would close the gaps.',
      ].join('\n\n') + extra + `\n\n${REPORT_NOTE}`;
  }
}

/** The prompt for a resumed session: the session already knows the task. */
export function resumePrompt(kind: SessionKind, instructions: string | undefined): string {
  const text = instructions?.trim() || 'Continue the task from where you left off.';
  const note = kind === 'review' || kind === 'validate' ? REPORT_NOTE : `${QUESTION_NOTE}\n\n${REPORT_NOTE}`;
  return `${text}\n\n${note}`;
}

export const INTERRUPTED_PROMPT =
  'Your previous run of this session was interrupted (the process running it stopped). Check the state of the ' +
  'working directory, continue the task from where you left off without redoing finished work, and then report.';
