/** Plans for tests: the shared fixtures, pointed at a throwaway repository and the simulated agent. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadNativePlan } from '../../client/importers/native';
import type { AgentSettings, EpicPlan, EpicSettings } from '../../common/plan';

/** Plan settings a test overrides; the agent's settings may be given in part. */
export type TestSettings = Partial<Omit<EpicSettings, 'agent'>> & { agent?: Partial<AgentSettings> };

// A copy of ../shared/fixtures kept in the repository, so a fresh clone runs npm test on its own.
export const FIXTURES = path.resolve(fileURLToPath(new URL('../fixtures/shared', import.meta.url)));
export const AUTH_EPIC = path.join(FIXTURES, 'plans', 'auth-epic.yaml');

export async function authPlan(repo: string, command: string[], settings: TestSettings = {}, epicId?: string): Promise<EpicPlan> {
  const plan = await loadNativePlan(AUTH_EPIC, { repo });
  return withAgent({ ...plan, epicId: epicId ?? plan.epicId, repo: { ...plan.repo, path: repo } }, command, settings);
}

/** Points a plan at the simulated agent with test-sized retry intervals. */
export function withAgent(plan: EpicPlan, command: string[], settings: TestSettings = {}): EpicPlan {
  return {
    ...plan,
    settings: {
      ...plan.settings,
      ...settings,
      agent: { ...plan.settings.agent, command, retryInterval: '200ms', heartbeatTimeout: '30s', ...(settings.agent ?? {}) },
    },
  };
}
