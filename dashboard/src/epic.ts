/** An epic's page: header and epic decisions, open questions, the live dependency graph, the item panel, the merge queue. */
import type { EpicStatus, ItemStatus, Question } from '../../common/status';
import { ApiError, getJSON, subscribe, webUi } from './api';
import { actionButton, outcomeRegion } from './actions';
import { clear, h, usd } from './dom';
import { Graph, type Layout } from './graph';
import { Panel } from './panel';
import { Questions } from './questions';
import { renderQueue, type QueueView } from './queue';
import { STATES } from './states';

interface Snapshot {
  status: EpicStatus;
  questions: Question[];
  queue?: QueueView;
  error?: string;
}


function header(epicId: string): { el: HTMLElement; update: (s: EpicStatus) => void } {
  const title = h('h1', {}, `Epic ${epicId}`);
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const el = h(
    'section',
    { class: 'epic-head' },
    title,
    summary,
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': `Decisions on epic ${epicId}` },
      actionButton(epicId, 'pause', 'Pause'),
      actionButton(epicId, 'resume', 'Resume'),
      actionButton(epicId, 'cancel', 'Cancel'),
      h('a', { href: webUi(`epic/${epicId}`), target: '_blank', rel: 'noopener', 'aria-label': `epic ${epicId} in the Temporal Web UI` }, 'Temporal Web UI'),
    ),
    outcomeRegion(),
  );
  const update = (s: EpicStatus) => {
    const merged = s.items.filter((i) => i.state === 'merged').length;
    const settled = s.items.filter((i) => i.state === 'skipped' || i.state === 'done').length;
    title.textContent = `${s.epicId}: ${s.title}`;
    summary.replaceChildren(
      h('span', { class: `phase phase-${s.phase}`, 'data-phase': s.phase, id: 'epic-phase' }, s.phase),
      ` · ${merged}/${s.items.length} merged${settled ? ` (+${settled} skipped or done in source)` : ''} · ${usd(s.costUsd)} · ${s.repoPath} → ${s.targetBranch}`,
    );
    document.title = `Overseer — ${s.epicId} (${s.phase})`;
  };
  return { el, update };
}

function legend(): HTMLElement {
  return h('ul', { class: 'legend', 'aria-label': 'State colours' }, ...STATES.map(([s, words]) => h('li', { 'data-state': s }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), `${s} — ${words}`)));
}

function itemTable(epicId: string, items: ItemStatus[], open: (id: string) => void): HTMLElement {
  return h(
    'table',
    { class: 'items', 'aria-label': 'Items' },
    h('thead', {}, h('tr', {}, ...['Item', 'Title', 'State', 'Attempts', 'Cost', 'Temporal'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...items.map((i) => h('tr', { 'data-item-row': i.itemId, 'data-state': i.state },
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => open(i.itemId), 'aria-label': `Open ${i.itemId}` }, i.itemId)),
      h('td', {}, i.title), h('td', {}, i.state), h('td', {}, String(i.attempts)), h('td', {}, usd(i.costUsd)),
      h('td', {}, h('a', { href: webUi(`epic/${epicId}/item/${i.itemId}`), target: '_blank', rel: 'noopener', 'aria-label': `${i.itemId} in the Temporal Web UI` }, 'Web UI'))))),
  );
}

export function epicPage(root: HTMLElement, epicId: string): () => void {
  clear(root);
  const head = header(epicId);
  const questions = new Questions();
  let status: EpicStatus | undefined;
  const panel = new Panel(epicId, () => {
    panel.close();
    graph.select(undefined);
  });
  const openItem = (id: string) => {
    graph.select(id);
    void panel.open(id, status?.items.find((i) => i.itemId === id)?.title ?? id);
  };
  const graph = new Graph(openItem);
  const queue = h('section', { class: 'queue', 'aria-labelledby': 'queue-h' });
  const list = h('details', { class: 'item-list' }, h('summary', {}, 'All items as a table'));
  const error = h('p', { class: 'error', role: 'alert' });
  root.append(head.el, error, questions.el, h('div', { class: 'epic-body' }, h('div', { class: 'graph-col' }, graph.el, legend()), panel.el), list, queue);

  // The layout is asked for at once, alongside the first snapshot, and again only when the set of items changes.
  let drawing: Promise<void> | undefined;
  let drawnFor = '';
  const draw = (key: string) => {
    drawnFor = key;
    const started = performance.now();
    drawing = getJSON<Layout>(`/api/epics/${encodeURIComponent(epicId)}/graph`).then((layout) => {
      graph.draw(layout);
      if (status) graph.update(status.items);
      root.setAttribute('data-graph-ms', String(Math.round(performance.now() - started)));
      root.setAttribute('data-graph-items', String(layout.nodes.length));
      root.setAttribute('data-layout-ms', String(layout.layoutMs));
    });
    return drawing;
  };
  draw('');
  const ensureGraph = async (s: EpicStatus) => {
    await drawing?.catch(() => undefined);
    const ids = s.items.map((i) => i.itemId);
    if (!graph.has(ids) && drawnFor !== ids.join('\n')) await draw(ids.join('\n'));
    graph.update(s.items);
  };

  const onSnapshot = (data: unknown) => {
    const snap = data as Snapshot;
    if (snap.error) return void (error.textContent = snap.error);
    error.textContent = '';
    status = snap.status;
    head.update(snap.status);
    questions.update(snap.questions);
    void ensureGraph(snap.status).catch((err) => (error.textContent = err instanceof ApiError ? err.message : String(err)));
    list.replaceChildren(list.firstChild!, itemTable(epicId, snap.status.items, openItem));
    renderQueue(queue, snap.queue);
    const sel = panel.itemId && snap.status.items.find((i) => i.itemId === panel.itemId);
    if (sel) void panel.refresh(sel.itemId, JSON.stringify(sel));
  };
  return subscribe(`epic:${epicId}`, onSnapshot);
}
