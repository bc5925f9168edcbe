/**
 * Role prompts (DESIGN §1): every role has a prompt in agents/, and a repository's own `.claude/agents/<role>.md`
 * overrides ours (front matter stripped, as Claude Code agent files carry one).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_AGENTS_DIR, loadRolePrompt, roleFor } from '../../activities/agent/prompts';
import { tempDir } from '../helpers/repo';

const ROLES = [
  'backend-engineer', 'frontend-engineer', 'database-engineer', 'qa-engineer', 'ai-engineer', 'code-developer',
  'test-fix-agent', 'doc-generator', 'universal-executor', 'peer-reviewer', 'tech-lead', 'product-manager',
];

function repoWithAgents(files: Record<string, string>): string {
  const repo = tempDir('roles');
  mkdirSync(path.join(repo, '.claude', 'agents'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(repo, '.claude', 'agents', name), text);
  return repo;
}

describe('role prompts', () => {
  it('every role of DESIGN §1 has a prompt of its own in agents/', async () => {
    const empty = tempDir('roles-none');
    for (const role of ROLES) {
      const { text, source } = await loadRolePrompt(role, empty);
      assert.equal(source, path.join(BUILTIN_AGENTS_DIR, `${role}.md`), role);
      assert.ok(text.length > 200, `${role}: a real prompt`);
      assert.doesNotMatch(text, /^---/, `${role}: front matter stripped`);
      assert.match(readFileSync(source, 'utf8'), new RegExp(`^---\\nname: ${role}\\n`), `${role}: Claude Code agent file format`);
    }
  });

  it("a repository's .claude/agents/<role>.md overrides ours; other roles keep ours", async () => {
    const repo = repoWithAgents({
      'backend-engineer.md': '---\nname: backend-engineer\ndescription: ours, not Overseer\'s\ntools: Read, Edit\n---\n\nYou write Go services only. Use sqlc.\n',
      'peer-reviewer.md': '\uFEFF---\r\nname: peer-reviewer\r\n---\r\nReview with the house checklist.\r\n',
      'tech-lead.md': 'No front matter: the whole file is the prompt.\n',
    });
    const backend = await loadRolePrompt('backend-engineer', repo);
    assert.equal(backend.text, 'You write Go services only. Use sqlc.');
    assert.equal(backend.source, path.join(repo, '.claude', 'agents', 'backend-engineer.md'));
    assert.equal((await loadRolePrompt('peer-reviewer', repo)).text, 'Review with the house checklist.');
    assert.equal((await loadRolePrompt('tech-lead', repo)).text, 'No front matter: the whole file is the prompt.');
    const qa = await loadRolePrompt('qa-engineer', repo);
    assert.equal(qa.source, path.join(BUILTIN_AGENTS_DIR, 'qa-engineer.md'));
  });

  it('review, tech-lead and validation sessions use their own roles, whatever the item role', async () => {
    const repo = repoWithAgents({ 'tech-lead.md': 'Repository tech lead.\n' });
    assert.equal(roleFor('review', 'backend-engineer'), 'peer-reviewer');
    assert.equal(roleFor('tech-lead', 'backend-engineer'), 'tech-lead');
    assert.equal(roleFor('validate', undefined), 'product-manager');
    assert.equal(roleFor('implement', 'frontend-engineer'), 'frontend-engineer');
    assert.equal(roleFor('fix', undefined), 'universal-executor');
    assert.equal((await loadRolePrompt(roleFor('tech-lead', 'qa-engineer'), repo)).text, 'Repository tech lead.');
  });

  it('an unknown role falls back to universal-executor; a role name cannot reach outside the agents folders', async () => {
    const repo = repoWithAgents({});
    writeFileSync(path.join(repo, 'secret.md'), 'not a prompt');
    const unknown = await loadRolePrompt('astronaut', repo);
    assert.equal(unknown.source, path.join(BUILTIN_AGENTS_DIR, 'universal-executor.md'));
    const sneaky = await loadRolePrompt('../../secret', repo);
    assert.equal(sneaky.source, path.join(BUILTIN_AGENTS_DIR, 'universal-executor.md'));
  });
});
