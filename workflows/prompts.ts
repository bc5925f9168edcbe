/**
 * The short, kind-specific instructions the item workflow hands to a session (the runner wraps them into the full
 * prompt). Only small text goes through history: gate output is a tail, findings are the reviewer's own words.
 */
import type { ImplementationReport, ReviewFinding } from '../common/reports';

export function formatFindings(findings: ReviewFinding[]): string {
  if (!findings.length) return '(no specific findings given)';
  return findings
    .map((f) => `- ${f.severity ? `[${f.severity}] ` : ''}${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : ''}${f.message}`)
    .join('\n');
}

export function gateFailurePrompt(command: string, outputTail: string, logPath: string): string {
  return `The check \`${command}\` fails on your change. Fix the code so it passes. Its output ends with:\n\n${outputTail}\n\n(full log: ${logPath})`;
}

export function mergeGateFailurePrompt(command: string, outputTail: string, logPath: string, target: string): string {
  return `Your change passed review, but the check \`${command}\` fails when it is merged with the current ${target}. Merge ${target} into your branch if needed and fix the code so the check passes. Its output ends with:\n\n${outputTail}${logPath ? `\n\n(full log: ${logPath})` : ''}`;
}

export function reviewFindingsPrompt(findings: ReviewFinding[], summary: string | undefined): string {
  return (
    `A peer reviewer requested changes:\n${formatFindings(findings)}${summary ? `\n\nReviewer's summary: ${summary}` : ''}\n\n` +
    'Either fix them (and commit) and report response "fixed", or, where you are confident the reviewer is wrong, ' +
    'report response "rebutted" with your reasons in "rebuttal".'
  );
}

export function implementerResponsePrompt(report: ImplementationReport): string {
  return report.response === 'rebutted'
    ? `The implementer disagrees with your findings and changed nothing. Their rebuttal:\n${report.rebuttal ?? report.summary}\n\nLook again at the current diff and give your verdict.`
    : `The implementer addressed your findings: ${report.summary}\n\nReview the current diff again and give your verdict.`;
}

export function positionsPrompt(findings: ReviewFinding[], reviewSummary: string | undefined, implementer: ImplementationReport | undefined): string {
  return (
    `Reviewer's position (requests changes):\n${formatFindings(findings)}${reviewSummary ? `\n${reviewSummary}` : ''}\n\n` +
    `Implementer's position:\n${implementer ? (implementer.rebuttal ?? implementer.summary) : '(no response)'}`
  );
}

export function rejectionPrompt(reasons: string[]): string {
  return `A previous implementation attempt was rejected by the review council. Address these points in this attempt:\n${reasons.map((r) => `- ${r}`).join('\n')}`;
}

export function answerPrompt(question: string, answer: string, answeredBy: string | undefined): string {
  return `Answer to your question "${question}"${answeredBy ? ` (from ${answeredBy})` : ''}:\n\n${answer}\n\nContinue the task with this answer.`;
}

export const NO_ANSWER_PROMPT =
  'No answer came to your question in time. Proceed on your best judgment, and record the assumption you made in ' +
  'the "assumptions" field of your report.';

export function conflictPrompt(files: string[], target: string): string {
  return `Merging this branch into ${target} conflicts in: ${files.join(', ')}. Act with the tech lead's authority: keep what ${target} already has and this item's intent.`;
}

/** Resuming a session that a usage limit or the budget stopped mid-way. */
export const CONTINUE_PROMPT =
  'Your session was paused by a usage or budget limit and has now resumed. Continue where you left off: check what ' +
  'is already done in the worktree, finish the task and give your final report.';
