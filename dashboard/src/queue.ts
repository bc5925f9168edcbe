/** The repository's merge queue (its `queue` query): the merge under way, the waiting requests, the last results. */
import type { MergeQueueStatus } from '../../common/merge';
import { webUi } from './api';
import { append, clear, h, when } from './dom';

export interface QueueView {
  workflowId: string;
  running: boolean;
  status?: MergeQueueStatus;
  note?: string;
}

export function renderQueue(el: HTMLElement, q: QueueView | undefined): void {
  clear(el);
  el.append(h('h2', { id: 'queue-h' }, 'Merge queue'));
  if (!q) return void el.append(h('p', {}, 'The repository is not on this machine.'));
  el.append(h('p', {}, h('a', { href: webUi(q.workflowId), target: '_blank', rel: 'noopener', 'aria-label': `merge queue ${q.workflowId} in the Temporal Web UI` }, q.workflowId), q.running ? ' (running)' : ' (not running)'));
  if (q.note) el.append(h('p', {}, q.note));
  const s = q.status;
  if (!s) return;
  const cur = s.current;
  append(el, [
    h('p', {}, h('strong', {}, 'Under way: '), cur ? `${cur.request.itemId} (epic ${cur.request.epicId}) ${cur.request.branch} → ${cur.request.targetBranch} since ${when(cur.since)}${cur.note ? ` — held: ${cur.note}` : ''}` : 'nothing'),
    h('p', {}, h('strong', {}, 'Waiting: '), s.waiting.length ? '' : 'none'),
    s.waiting.length ? h('ol', {}, ...s.waiting.map((r) => h('li', {}, `${r.itemId} (epic ${r.epicId}) ${r.branch}`))) : null,
    h('p', {}, h('strong', {}, 'Last results: '), s.recent.length ? '' : 'none'),
    s.recent.length
      ? h('ul', {}, ...[...s.recent].reverse().slice(0, 10).map((r) => h('li', {}, `${when(r.at)} ${r.itemId} (epic ${r.epicId}) ${r.outcome}${r.commit ? ` ${r.commit.slice(0, 10)}` : ''}`)))
      : null,
  ]);
}
