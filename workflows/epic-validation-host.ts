/**
 * A validation round of a plan on a git remote (issue 12): the inspection worktree is made on a worker host (claimed
 * as an item claims one: the shared agents' queue, answered with the host's own queue), from the remote's target
 * tip fetched then; the product manager's session runs on that host's queue, and the worktree is removed there
 * after. When the host is gone before the round ends, the round starts again on another host (nothing of it was
 * kept: it only looks), at most a few times.
 */
import { log } from '@temporalio/workflow';
import type { AgentRunInput, AgentRunResult } from '../activities/agent/runner';
import type { RemoteInspectionInput } from '../activities/remote-inspection';
import { VALIDATION_ITEM_ID } from '../common/ids';
import { describe } from './messages';
import { claimActivities, hostActivities } from './host-options';
import { hostLost } from './item-host';
import type { EpicContext } from './epic-context';

/** Hosts a round may lose before it gives up (validation is advice: the epic goes on without it). */
const MAX_HOSTS_LOST = 3;

/** The validating session on a host; `session` gives its input for the worktree made there. */
export async function validateOnHost(ctx: EpicContext, name: string, session: (where: Pick<AgentRunInput, 'cwd' | 'repoPath'>) => AgentRunInput): Promise<AgentRunResult> {
  const { url, targetBranch } = ctx.plan.repo;
  const input: RemoteInspectionInput = { url: url!, epicId: ctx.epicId, name, targetBranch };
  for (let lost = 0; ; lost++) {
    const claim = await claimActivities(ctx.settings).claimHost({ epicId: ctx.epicId, itemId: VALIDATION_ITEM_ID });
    const { git, agent } = hostActivities(ctx.settings, claim.taskQueue);
    try {
      const wt = await git.prepareRemoteInspection(input);
      log.info(`validation round ${ctx.validationRounds} on host ${claim.host}, at ${targetBranch} ${wt.commit.slice(0, 10)}`);
      const res = await agent.runAgent(session({ cwd: wt.worktreePath, repoPath: wt.clone }));
      await removeOn(git, input, claim.host);
      return res;
    } catch (err) {
      const gone = hostLost(err);
      if (!gone) await removeOn(git, input, claim.host);
      if (!gone || lost + 1 >= MAX_HOSTS_LOST) throw err;
      // The dead host's leftovers are its own; the round starts again elsewhere.
      log.warn(`validation round ${ctx.validationRounds}: host ${claim.host} is gone; trying another host`);
    }
  }
}

async function removeOn(git: ReturnType<typeof hostActivities>['git'], input: RemoteInspectionInput, host: string): Promise<void> {
  await git.removeRemoteInspection(input).catch((err) => log.warn(`inspection worktree on ${host} not removed: ${describe(err)}`));
}
