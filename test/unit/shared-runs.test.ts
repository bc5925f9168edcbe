/** Work shared by callers at the same moment (activities/shared-runs.ts): one clone per folder, fetches coalesced. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedNextRun, sharedWhileRunning } from '../../activities/shared-runs';

/** A run that ends when told to, recording when it started (by the order of starts). */
function runs() {
  const started: number[] = [];
  const finish: (() => void)[] = [];
  const run = () => {
    started.push(started.length + 1);
    return new Promise<void>((resolve) => finish.push(resolve));
  };
  return { started, finish, run };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('shared runs', () => {
  it('one run per key while it runs: a caller meanwhile waits for it, a caller after it gets a new one', async () => {
    const share = sharedWhileRunning<string>();
    const r = runs();
    const a = share('clone', r.run);
    const b = share('clone', r.run);
    assert.equal(r.started.length, 1, 'the second caller shares the first run');
    share('other', r.run);
    assert.equal(r.started.length, 2, 'another key runs on its own');
    r.finish[0]();
    await Promise.all([a, b]);
    share('clone', r.run);
    assert.equal(r.started.length, 3, 'once it ended, the next caller runs anew');
  });

  it('gives every caller a run that started after it asked, sharing the one after the running one', async () => {
    const share = sharedNextRun<string>();
    const r = runs();
    let firstDone = false;
    let laterDone = false;
    share('clone', r.run).then(() => (firstDone = true));
    const later = [share('clone', r.run), share('clone', r.run), share('clone', r.run)];
    Promise.all(later).then(() => (laterDone = true));
    assert.equal(r.started.length, 1, 'the later callers do not start a run while one runs');
    r.finish[0]();
    await tick();
    assert.ok(firstDone, 'the first caller has its run');
    assert.equal(laterDone, false, 'the later callers are not answered by a run that began before they asked');
    assert.equal(r.started.length, 2, 'they share one run, started when the first ended');
    r.finish[1]();
    await Promise.all(later);
    share('clone', r.run);
    assert.equal(r.started.length, 3, 'nothing running: a new run at once');
  });

  it('a caller in the moment between the running one and the next shares the next, starting no third', async () => {
    const share = sharedNextRun<string>();
    const r = runs();
    share('fetch', r.run);
    share('fetch', r.run); // waits for the next run
    r.finish[0]();
    for (let k = 0; k < 6; k++) {
      await Promise.resolve(); // each microtask after the first run ended, until the next has started
      share('fetch', r.run);
    }
    assert.equal(r.started.length, 2, 'one run at a time: the first, then the next');
  });

  it('passes a failed run to the callers that shared it, and runs again for the next', async () => {
    const share = sharedNextRun<string>();
    let n = 0;
    const failing = async () => {
      n++;
      throw new Error(`fetch ${n} failed`);
    };
    await Promise.all([assert.rejects(share('clone', failing), /fetch 1 failed/), assert.rejects(share('clone', failing), /fetch 2 failed/)]);
    await share('clone', async () => void n++);
    assert.equal(n, 3);
  });
});
