/**
 * A worker host asks the shared agents' queue for work only when it has room for it (issue 12: "whichever host has
 * a free session slot picks it up"). The host's agents' worker gets its activity slots from this supplier, which
 * hands one out only while the host could take one more item (activities/host-slots.ts) and fewer than `max`
 * activities are out: a full host does not poll, so a claim waits on the server for a host with room instead of
 * going round full hosts (each refusal a failed attempt and a retry: with many items waiting, dozens a second).
 */
import type { ActivitySlotInfo, CustomSlotSupplier, SlotPermit, TunerHolder } from '@temporalio/worker';
import type { HostSlots } from '../activities/host-slots';

/** A claim lease can run out without any change being announced: look again this often meanwhile. */
const RECHECK_MS = 1000;

/**
 * `extra` 1: room for one item more than the host has session slots (the shared claims: one item prepares while the
 * sessions run); 0: only while a session slot is free (the free hosts' queue, where a prefetched item looks for a
 * host that could start it at once).
 */
export function claimSlotSupplier(slots: HostSlots, max: number, extra: 0 | 1 = 1): CustomSlotSupplier<ActivitySlotInfo> {
  let out = 0; // permits handed out: polls waiting for a task, and the tasks they got until they finish
  const room = () => out < max && slots.occupied + out < slots.max + extra;
  const take = (): SlotPermit => {
    out++;
    return {};
  };
  return {
    type: 'custom',
    async reserveSlot(_ctx, abortSignal) {
      while (!room()) await changeOf(slots, abortSignal);
      return take();
    },
    tryReserveSlot: () => (room() ? take() : null),
    markSlotUsed() {},
    releaseSlot() {
      out--;
      slots.notify();
    },
  };
}

/** Resolves at the next change of the slots (or after RECHECK_MS); rejects with the signal's reason on abort. */
function changeOf(slots: HostSlots, abortSignal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal.aborted) return reject(abortSignal.reason);
    const done = () => {
      stop();
      clearTimeout(timer);
      abortSignal.removeEventListener('abort', onAbort);
    };
    const stop = slots.onChange(() => (done(), resolve()));
    const timer = setTimeout(() => (done(), resolve()), RECHECK_MS);
    const onAbort = () => (done(), reject(abortSignal.reason));
    abortSignal.addEventListener('abort', onAbort);
  });
}

/** The tuner of a host's worker on a shared queue: activities by room on the host; it runs no workflows. */
export function hostAgentsTuner(slots: HostSlots, max: number, extra: 0 | 1 = 1): TunerHolder {
  return {
    activityTaskSlotSupplier: claimSlotSupplier(slots, max, extra),
    workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
  };
}
