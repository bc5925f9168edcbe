/** A host's session slots (activities/hosts.ts): at most `max` sessions at once, claims up to `max + 1` items. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostSlots } from '../../activities/hosts';

describe('host session slots', () => {
  it('runs at most max sessions and takes one item more than that to prepare meanwhile', () => {
    const slots = new HostSlots(2);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => slots.tryClaim(k)), [true, true, true, false]);
    assert.equal(slots.tryClaim('a'), true, 'a claim held already is held');
    assert.deepEqual(['a', 'b', 'c'].map((k) => slots.tryStart(k)), [true, true, false]);
    assert.equal(slots.running, 2);
    assert.equal(slots.tryClaim('d'), false, 'two sessions and one fresh claim: full');
    slots.end('a');
    assert.equal(slots.tryStart('c'), true, 'a slot that frees goes to the waiting session');
    assert.equal(slots.tryClaim('d'), true, 'a between sessions leaves room for another item');
    assert.equal(slots.tryStart('a'), false, "a's next session waits for a slot");
    slots.release('b');
    assert.equal(slots.tryStart('a'), true);
    assert.equal(slots.running, 2);
  });
});
