/** The front page: every epic with its phase, progress, cost and whether a human is needed; live. */
import { subscribe, webUi } from './api';
import { clear, h, usd, when } from './dom';

interface EpicRow {
  epicId: string;
  workflowId: string;
  title: string;
  phase: string;
  merged: number;
  total: number;
  costUsd: number;
  awaitingHuman: boolean;
  startedAt?: number;
  programId?: string;
}

function row(e: EpicRow): HTMLTableRowElement {
  const epicUrl = `/epic/${encodeURIComponent(e.epicId)}`;
  return h(
    'tr',
    { 'data-epic-id': e.epicId },
    h(
      'td',
      {},
      h('a', { href: epicUrl }, e.epicId),
      e.title !== e.epicId ? h('div', { class: 'sub' }, e.title) : null,
      e.programId ? h('div', { class: 'sub', 'data-program-id': e.programId }, `program ${e.programId}`) : null,
    ),
    h('td', {}, h('span', { class: `phase phase-${e.phase}` }, e.phase)),
    h(
      'td',
      {},
      h('progress', { max: Math.max(1, e.total), value: e.merged, 'aria-label': `progress of ${e.epicId}: ${e.merged} of ${e.total} merged` }),
      ` ${e.merged}/${e.total}`,
    ),
    h('td', {}, usd(e.costUsd)),
    h('td', {}, e.awaitingHuman ? h('span', { class: 'human', title: 'a human is needed' }, '⚑ needs a human') : ''),
    h('td', {}, when(e.startedAt)),
    h('td', {}, h('a', { href: webUi(e.workflowId), target: '_blank', rel: 'noopener', 'aria-label': `${e.epicId} in the Temporal Web UI` }, 'Web UI')),
  );
}

export function frontPage(root: HTMLElement): () => void {
  clear(root);
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: 7 }, 'Loading…')));
  root.append(
    h('h1', {}, 'Epics'),
    h(
      'table',
      { class: 'epics', 'aria-label': 'Epics' },
      h('thead', {}, h('tr', {}, ...['Epic', 'Phase', 'Progress (merged/total)', 'Cost', 'Human', 'Started', 'Temporal'].map((t) => h('th', { scope: 'col' }, t)))),
      body,
    ),
  );
  document.title = 'Overseer — epics';
  return subscribe('epics', (data) => {
    clear(body);
    if (!Array.isArray(data)) {
      body.append(h('tr', {}, h('td', { colspan: 7, role: 'alert' }, (data as { error?: string }).error ?? 'no data')));
      return;
    }
    if (!data.length) body.append(h('tr', {}, h('td', { colspan: 7 }, 'No epics yet. Start one with `overseer run epic.yaml`.')));
    for (const e of data as EpicRow[]) body.append(row(e));
  });
}
