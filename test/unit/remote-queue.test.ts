// `overseer queue <url>` (issue 12): which arguments name a git remote, and the id of its queue (the one the merge
// queue activity starts for a plan with that repo.url and targetBranch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mergeQueueWorkflowId, remoteQueueKey, remoteRepoName } from '../../common/ids';
import { isRemoteArgument, noRemoteQueueMessage, remoteQueueWorkflowId } from '../../client/remote-queue';
import { makeRepo, sh, tempDir } from '../helpers/repo';

test('URLs, scp-like addresses and bare repositories name remotes; checkouts and plain paths do not', () => {
  for (const url of ['ssh://git@git.example.com/team/app.git', 'https://git.example.com/app', 'git://127.0.0.1:9418/app.git', 'file:///srv/app.git', 'git@git.example.com:team/app.git', 'example.com:app.git']) {
    assert.equal(isRemoteArgument(url), true, url);
  }
  const checkout = makeRepo('remote-queue-checkout');
  const bare = path.join(tempDir('remote-queue-bare'), 'app.git');
  sh(checkout, 'clone', '-q', '--bare', checkout, bare);
  assert.equal(isRemoteArgument(bare), true, 'a bare repository path (as repo.url accepts it)');
  assert.equal(isRemoteArgument(checkout), false);
  assert.equal(isRemoteArgument('.'), false);
  assert.equal(isRemoteArgument('C:\\work\\app'), false, 'a Windows drive is not a host');
});

test("a remote's queue id is the one remote plans use: one per URL and target branch", () => {
  const url = 'ssh://git@git.example.com/team/app.git';
  assert.equal(remoteQueueWorkflowId(url, 'main'), mergeQueueWorkflowId(remoteQueueKey(url, 'main')));
  assert.match(remoteQueueWorkflowId(url, 'main'), /^merge-queue\/app-main-[0-9a-f]{8}$/);
  assert.notEqual(remoteQueueWorkflowId(url, 'main'), remoteQueueWorkflowId(url, 'dev'));
  assert.equal(remoteRepoName('git@host:team/app.git/'), 'app');
  const msg = noRemoteQueueMessage(url, 'dev', remoteQueueWorkflowId(url, 'dev'), [`merge queue of ${url} (main)`]);
  assert.match(msg, /^no merge queue for ssh:\/\/git@git\.example\.com\/team\/app\.git \(target branch dev; no workflow merge-queue\/app-dev-/);
  assert.match(msg, /\n {2}merge queue of ssh:\/\/git@git\.example\.com\/team\/app\.git \(main\)$/);
});
