/**
 * Decisions from the page: each asks for confirmation in a modal dialog (skip also asks for a reason), then posts
 * to the server, which checks it like `overseer` does; a refusal is shown with the server's message.
 */
import { ApiError, postJSON } from './api';
import { h } from './dom';

export type Action = 'pause' | 'resume' | 'cancel' | 'retry' | 'skip' | 'approve';

const WHAT: Record<Action, (target: string) => string> = {
  pause: (t) => `Pause epic ${t}? No new items start; running ones go on.`,
  resume: (t) => `Resume epic ${t}?`,
  cancel: (t) => `Cancel ${t}? Its agent sessions stop.`,
  retry: (t) => `Retry ${t} with a fresh attempt budget?`,
  skip: (t) => `Skip ${t}? Its dependents proceed without it.`,
  approve: (t) => `Approve ${t} for merge?`,
};

/** Asks; resolves with the reason (or '' when none is asked), or undefined if the human backed out. */
function confirmDialog(action: Action, target: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const reason = h('input', { type: 'text', id: 'confirm-reason', value: 'skipped from the dashboard', 'aria-label': 'Reason for skipping' });
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, WHAT[action](target)),
      action === 'skip' ? h('p', {}, h('label', { for: 'confirm-reason' }, 'Reason '), reason) : null,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => done(action === 'skip' ? reason.value : '') }, 'Confirm'),
        h('button', { type: 'button', onclick: () => done(undefined) }, 'Go back'),
      ),
    );
    const done = (v: string | undefined) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    dialog.addEventListener('cancel', () => done(undefined));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Where the outcome of decisions is announced (one per page). */
export function outcomeRegion(): HTMLElement {
  return h('div', { class: 'outcome', role: 'status', 'aria-live': 'polite', id: 'outcome' });
}

function announce(text: string, refused: boolean): void {
  const el = document.getElementById('outcome');
  if (!el) return;
  el.textContent = text;
  el.setAttribute('role', refused ? 'alert' : 'status');
  el.classList.toggle('refused', refused);
}

export async function decide(epicId: string, action: Action, itemId?: string): Promise<void> {
  const reason = await confirmDialog(action, itemId ?? epicId);
  if (reason === undefined) return;
  try {
    const r = await postJSON<{ message: string }>(`/api/epics/${encodeURIComponent(epicId)}/actions`, { action, itemId, reason });
    announce(r.message, false);
  } catch (err) {
    announce(`Refused: ${err instanceof ApiError ? err.message : String(err)}`, true);
  }
}

/** A button that runs a decision; its accessible name says what and on which item. */
export function actionButton(epicId: string, action: Action, label: string, itemId?: string): HTMLButtonElement {
  const target = itemId ?? `epic ${epicId}`;
  return h('button', { type: 'button', 'data-action': action, 'aria-label': `${label} ${target}`, onclick: () => void decide(epicId, action, itemId) }, label);
}
