/** A host's session slots (activities/hosts.ts): at most `max` sessions at once, claims up to `max + 1` items. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostSlots } from '../../activities/hosts';
import { claimSlotSupplier } from '../../workers/claim-slots';

const ctx = { slotType: 'activity', taskQueue: 'overseer-agents', workerIdentity: 'h1', workerBuildId: '', isSticky: false } as const;
/** Whether a promise has settled after the microtasks and a timer turn. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  return done;
};

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

  it('lets the host ask for claims only while it has room for one more item', async () => {
    const slots = new HostSlots(2);
    const supplier = claimSlotSupplier(slots, 2);
    const abort = new AbortController();
    slots.tryStart('a');
    slots.tryStart('b');
    assert.ok(supplier.tryReserveSlot(ctx), 'two sessions: room for one item to prepare');
    assert.equal(supplier.tryReserveSlot(ctx), null, 'that poll takes the room');
    const waiting = supplier.reserveSlot(ctx, abort.signal);
    assert.equal(await settled(waiting), false, 'a full host does not poll');
    slots.end('a');
    assert.equal(await settled(waiting), true, 'a session that ends makes room at once');
    supplier.releaseSlot({ permit: {} });
    supplier.releaseSlot({ permit: {} });
    assert.ok(slots.tryClaim('c') && slots.tryClaim('d'), 'one session, two items claimed: full');
    const more = supplier.reserveSlot(ctx, abort.signal);
    assert.equal(await settled(more), false);
    abort.abort(new Error('shutting down'));
    await assert.rejects(more, /shutting down/, 'a reservation waiting at shutdown is aborted');
  });

  it('takes a moving item only with a session slot free, and tells a prefetch from a claim that can start', () => {
    const slots = new HostSlots(2);
    assert.equal(slots.full, false);
    assert.ok(slots.tryClaim('a') && slots.tryStart('a'));
    assert.ok(slots.tryClaim('b', { freeSlotOnly: true }), 'one slot free: a moving item is taken');
    assert.equal(slots.full, true, 'a claim taken now would wait for a slot');
    assert.equal(slots.tryClaim('c', { freeSlotOnly: true }), false, 'no free slot: a moving item goes elsewhere');
    assert.ok(slots.tryClaim('c'), 'a prefetch still fits');
    assert.equal(slots.tryClaim('c', { freeSlotOnly: true }), false, 'nor its own prefetch, while its slots are busy');
    assert.ok(slots.holds('c'));
    slots.release('c');
    assert.equal(slots.holds('c'), false, 'an item that left is no longer held');
  });
});

