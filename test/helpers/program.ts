/** Multi-epic runs for tests: plan files of the seed's example (shared-api, dashboard, mobile-app) and a Beads pair. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { programWorkflowId } from '../../common/program';
import { tempDir } from './repo';

export interface PlanSpec {
  epicId: string;
  repo: string;
  items: { id: string; title?: string; dependsOn?: string[] }[];
}

/** Writes native plan files run by the simulated agent; returns their paths. */
export function writePlans(specs: PlanSpec[], command: string[]): string[] {
  const dir = tempDir('program-plans');
  return specs.map((s) => {
    const file = path.join(dir, `${s.epicId}.yaml`);
    const plan = {
      epicId: s.epicId,
      title: `Epic ${s.epicId}`,
      repo: { path: s.repo, targetBranch: 'main' },
      items: s.items.map((it) => ({ id: it.id, title: it.title ?? `Item ${it.id}`, description: `Do ${it.id}.`, ...(it.dependsOn && { dependsOn: it.dependsOn }) })),
      settings: { maxParallel: 3, agent: { command, retryInterval: '200ms' } },
    };
    writeFileSync(file, YAML.stringify(plan));
    return file;
  });
}

/** The seed's example on one repository (or two: shared-api on `repo2`). */
export function seedExample(repo: string, repo2 = repo): PlanSpec[] {
  return [
    { epicId: 'shared-api', repo: repo2, items: [{ id: 'sa-1', title: 'API schema' }, { id: 'sa-2', title: 'API contract', dependsOn: ['sa-1'] }] },
    { epicId: 'dashboard', repo, items: [{ id: 'db-1', dependsOn: ['shared-api/sa-2'] }, { id: 'db-2' }, { id: 'db-3', dependsOn: ['db-1', 'db-2'] }] },
    { epicId: 'mobile-app', repo, items: [{ id: 'mb-1', dependsOn: ['shared-api/sa-1'] }, { id: 'mb-2', dependsOn: ['mb-1'] }] },
  ];
}

export function programResult(env: TestWorkflowEnvironment, programId: string): Promise<{ epics: { epicId: string; phase: string }[] }> {
  return env.client.workflow.getHandle(programWorkflowId(programId)).result();
}

/** Beads records: two epics, `bd-web.1` blocked by `bd-api.1` (another epic). */
export function beadsPair(): string {
  const dep = (from: string, to: string, type: string) => ({ issue_id: from, depends_on_id: to, type });
  const issue = (id: string, title: string, type: string, deps: object[] = []) => ({ _type: 'issue', id, title, description: `${title}.`, status: 'open', priority: 1, issue_type: type, dependencies: deps });
  const lines = [
    issue('bd-api', 'API', 'epic'),
    issue('bd-api.1', 'API endpoint', 'task', [dep('bd-api.1', 'bd-api', 'parent-child')]),
    issue('bd-web', 'Web', 'epic'),
    issue('bd-web.1', 'Web page', 'task', [dep('bd-web.1', 'bd-web', 'parent-child'), dep('bd-web.1', 'bd-api.1', 'blocks')]),
    issue('bd-web.2', 'Web styles', 'task', [dep('bd-web.2', 'bd-web', 'parent-child')]),
  ];
  const file = path.join(tempDir('beads-pair'), 'issues.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}
