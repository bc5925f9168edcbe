/** The review council: reviewer, implementer's answer, reviewer again, tech lead on disagreement. */
import type { ImplementationReport, ReviewReport, TechLeadReport } from '../common/reports';
import { implementerResponsePrompt, positionsPrompt, rejectionPrompt, reviewFindingsPrompt } from './prompts';
import { note, passState, setState, type ItemContext } from './item-context';
import { gateLoop } from './item-gates';
import { commit, implement, session } from './item-implement';
import { ItemFailed } from './item-types';

export interface CouncilVerdict {
  approved: boolean;
  reasons: string[];
  /** The implementer's session after the rounds (answering findings resumes it). */
  implSession: string;
}

/**
 * The council's verdict as the item's state: `approved`, or `rejected` with the reasons as the next attempt's
 * feedback (the item fails when no attempt is left). Review turned off approves at once.
 */
export async function review(ctx: ItemContext, implSession: string): Promise<{ implSession: string; feedback?: string }> {
  if (!ctx.settings.review.enabled) {
    await passState(ctx, 'approved', 'review turned off by the plan'); // the merge request (or a wait for approval) follows
    return { implSession };
  }
  const verdict = await council(ctx, implSession);
  const reasons = verdict.reasons.join('; ');
  if (!verdict.approved) {
    await setState(ctx, 'rejected', reasons);
    if (ctx.attemptsThisRun >= ctx.settings.maxAttempts) throw new ItemFailed(`rejected by the review council: ${reasons}`);
    return { implSession: verdict.implSession, feedback: rejectionPrompt(verdict.reasons) };
  }
  await passState(ctx, 'approved', reasons);
  return { implSession: verdict.implSession };
}

export async function council(ctx: ItemContext, implSession: string): Promise<CouncilVerdict> {
  const { item, settings } = ctx;
  await setState(ctx, 'in_review', 'peer review');
  let review = await session(ctx, 'review');
  let verdict = review.report as ReviewReport;
  note(ctx, `review: ${verdict.verdict}${verdict.findings.length ? ` (${verdict.findings.length} finding${verdict.findings.length === 1 ? '' : 's'})` : ''}`);
  let response: ImplementationReport | undefined;
  for (let round = 1; verdict.verdict === 'request_changes' && round < settings.review.maxRounds; round++) {
    await setState(ctx, 'running', 'addressing review findings');
    const answer = await implement(ctx, 'address-review', reviewFindingsPrompt(verdict.findings, verdict.summary), implSession);
    response = answer.report;
    implSession = answer.res.sessionId;
    if (response.status === 'blocked') return { approved: false, reasons: [`implementer blocked: ${response.summary}`], implSession };
    note(ctx, `implementer ${response.response === 'rebutted' ? 'rebutted' : 'addressed'} the findings`);
    await commit(ctx, `${item.id}: address review`);
    implSession = await gateLoop(ctx, implSession);
    await setState(ctx, 'in_review', `re-review (round ${round + 1})`);
    review = await session(ctx, 'review', implementerResponsePrompt(response), review.sessionId);
    verdict = review.report as ReviewReport;
    note(ctx, `review: ${verdict.verdict}`);
  }
  if (verdict.verdict === 'approve') return { approved: true, reasons: [verdict.summary ?? 'approved by the peer reviewer'], implSession };
  return techLead(ctx, verdict, response, implSession);
}

/** The reviewer and the implementer disagree: the tech lead decides (and may fix the code itself). */
async function techLead(ctx: ItemContext, verdict: ReviewReport, response: ImplementationReport | undefined, implSession: string): Promise<CouncilVerdict> {
  await setState(ctx, 'in_review', 'tech lead deciding');
  const lead = await session(ctx, 'tech-lead', positionsPrompt(verdict.findings, verdict.summary, response));
  const decision = lead.report as TechLeadReport;
  note(ctx, `tech lead: ${decision.decision}${decision.reasons.length ? ` (${decision.reasons.join('; ')})` : ''}`);
  if (decision.fixed) {
    await commit(ctx, `${ctx.item.id}: tech lead fixes`);
    // The tech lead changed the code: what merges must still pass the gates (failures go to the implementer).
    if (decision.decision === 'approve') implSession = await gateLoop(ctx, implSession);
  }
  return { approved: decision.decision === 'approve', reasons: decision.reasons.length ? decision.reasons : [decision.summary ?? decision.decision], implSession };
}
