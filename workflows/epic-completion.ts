/**
 * Finishing a claude-code-workflow epic (`settings.completion`). `auto` (the default): the session is completed
 * and archived by the `epic-completed` write-back. `ask`: the epic first asks a human "review" or "complete";
 * "review" runs a review session over the integrated result and writes its findings into the session first.
 */
import { condition, log } from '@temporalio/workflow';
import type { ReviewReport } from '../common/reports';
import type { AnswerInput, Question } from '../common/status';
import { formatFindings } from './prompts';
import { describe } from './messages';
import { agentActivities } from './activity-options';
import { updateSearchAttributes, type EpicContext } from './epic-context';

export const COMPLETION_OPTIONS = ['review', 'complete'];

export function completionQuestionId(epicId: string): string {
  return `${epicId}/_completion/1`;
}

/** The open completion question, for the `questions` query. */
export function openCompletionQuestions(ctx: EpicContext): Question[] {
  const q = ctx.completionQuestion;
  return q && q.answer === undefined ? [q] : [];
}

/** Takes an answer meant for the completion question; false when the answer is for another question. */
export function answerCompletion(ctx: EpicContext, a: AnswerInput): boolean {
  const q = ctx.completionQuestion;
  if (!q || a.questionId !== q.questionId) return false;
  if (q.answer === undefined && typeof a.answer === 'string' && a.answer.trim()) {
    Object.assign(q, { answer: a.answer.trim(), answeredBy: a.answeredBy ?? 'unknown', answeredAt: Date.now() });
    ctx.dirty = true;
  }
  return true;
}

/** Before the session is completed: with `completion: ask`, a human chooses; "review" runs the review first. */
export async function beforeSessionComplete(ctx: EpicContext): Promise<void> {
  if (ctx.plan.source?.kind !== 'ccw' || ctx.settings.completion !== 'ask') return;
  const q: Question = {
    questionId: completionQuestionId(ctx.epicId),
    epicId: ctx.epicId,
    itemId: '_completion',
    kind: 'agent',
    question: `Every task of ${ctx.epicId} is merged. Enter a review of the integrated result, or complete the session (archive it)?`,
    options: COMPLETION_OPTIONS,
    askedAt: Date.now(),
  };
  ctx.completionQuestion = q;
  ctx.phase = 'awaiting_human';
  updateSearchAttributes(ctx);
  await condition(() => q.answer !== undefined);
  ctx.phase = 'completed';
  if (/^\s*review/i.test(q.answer!)) await review(ctx);
}

/** A review session (security, architecture, quality, action items) in an inspection worktree; its findings go into the session. */
async function review(ctx: EpicContext): Promise<void> {
  const { plan, epicId, settings, items, core } = ctx;
  const name = '_review';
  try {
    const wt = await core.prepareInspectionWorktree({ repoPath: plan.repo.path, epicId, name, targetBranch: plan.repo.targetBranch });
    const res = await agentActivities(settings).runAgent({
      epicId,
      kind: 'review',
      cwd: wt.worktreePath,
      repoPath: plan.repo.path,
      targetBranch: plan.repo.targetBranch,
      agent: settings.agent,
      item: {
        id: '_review',
        title: `Review the integrated result of epic ${epicId}: ${plan.title}`,
        description: `Review everything the epic merged into ${plan.repo.targetBranch} (security, architecture, code quality) and list action items.\n${items.map((it) => `- ${it.id}: ${it.title}`).join('\n')}`,
        acceptance: [],
        dependsOn: [],
        files: [],
      },
    });
    const report = res.report as ReviewReport;
    const text = `# Review of ${epicId}\n\nVerdict: ${report.verdict}\n\n${report.summary ?? ''}\n\n## Findings and action items\n\n${formatFindings(report.findings ?? [])}\n`;
    if (plan.source) await core.writeBack(plan.source, { kind: 'review-findings', text });
  } catch (err) {
    log.warn(`the completion review failed: ${describe(err)}`); // the session is completed anyway
  } finally {
    await core.removeWorktree({ repoPath: plan.repo.path, epicId, itemId: name, deleteBranch: false }).catch(() => undefined);
  }
}
