// Ids have a length limit (issue 11 point 9): a 300-character id is refused up front, naming the item, instead of
// failing inside git after ten retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idProblem, MAX_ID_LENGTH } from '../../common/ids';
import { normalizePlan, PlanError } from '../../common/plan-schema';
import { importBeads } from '../../client/importers/beads';

const long = `item-${'x'.repeat(295)}`;
const planOf = (items: object[], epicId = 'e') => ({ epicId, title: 't', items });
const normalize = (raw: unknown) => normalizePlan(raw, { file: 'plan.yaml', defaultRepoPath: '/repo', resolvePath: (p) => p });

function planError(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, `a PlanError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

test('idProblem: characters, emptiness and length', () => {
  assert.equal(idProblem('auth-1'), undefined);
  assert.equal(idProblem('x'.repeat(MAX_ID_LENGTH)), undefined);
  assert.match(idProblem('x'.repeat(MAX_ID_LENGTH + 1))!, /at most 64 characters/);
  assert.match(idProblem('a b')!, /letters, digits/);
  assert.equal(idProblem(''), 'must not be empty');
});

test('a native plan with a 300-character item id fails naming the file and the item', () => {
  const err = planError(() => normalize(planOf([{ id: 'ok', title: 'a' }, { id: long, title: 'b' }])));
  assert.match(err.message, /plan\.yaml/);
  assert.match(err.message, new RegExp(`item "${long}"\\)?\\.id: may be at most 64 characters`));
});

test('a 300-character epic id fails too', () => {
  const err = planError(() => normalize(planOf([{ id: 'ok', title: 'a' }], long)));
  assert.match(err.message, /epicId: may be at most 64 characters/);
});

test('a Beads child with a 300-character id fails naming the file and the item', () => {
  const text = [
    { id: 'bd-1', title: 'Epic', issue_type: 'epic', status: 'open' },
    { id: long, title: 'Child', status: 'open', dependencies: [{ issue_id: long, depends_on_id: 'bd-1', type: 'parent-child' }] },
  ].map((r) => JSON.stringify(r)).join('\n');
  const err = planError(() => importBeads(text, { file: 'issues.jsonl', repoPath: '/repo', writeBack: false, roles: new Set() }));
  assert.match(err.message, /issues\.jsonl/);
  assert.match(err.message, /at most 64 characters/);
  assert.ok(err.message.includes(long));
});
