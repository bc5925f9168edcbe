/**
 * An item's panel: state and detail, decisions, attempts, cost and tokens, branch, host, merge commit, history,
 * gate logs and transcripts. Transcripts and logs are fetched only when asked for.
 */
import type { ItemStatus } from '../../common/status';
import { ApiError, getJSON, webUi } from './api';
import { actionButton } from './actions';
import { clear, h, usd, when } from './dom';
import { renderTranscript, type Entry } from './transcript';

interface Detail {
  item: ItemStatus & { host?: string };
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number; missing: number };
  gateLogs: string[];
}

const base = (epicId: string, itemId: string) => `/api/epics/${encodeURIComponent(epicId)}/items/${encodeURIComponent(itemId)}`;

function facts(d: Detail): HTMLElement {
  const it = d.item;
  const t = d.tokens;
  const row = (k: string, v: string | Node | undefined) => (v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
  const rows = [
    row('State', it.state),
    row('Detail', it.detail),
    row('Attempts', String(it.attempts)),
    row('Cost', usd(it.costUsd)),
    row('Tokens', `${t.input} in, ${t.output} out, ${t.cacheRead} cache read, ${t.cacheCreation} cache write${t.missing ? ` (${t.missing} transcript(s) not on this machine)` : ''}`),
    row('Branch', it.branch),
    row('Host', it.host),
    row('Worktree', it.worktree),
    row('Merge commit', it.mergeCommit),
    row('Session', it.sessionId),
    row('Agent', it.agentVersion),
    row('Started', it.startedAt ? when(it.startedAt) : undefined),
    row('Finished', it.finishedAt ? when(it.finishedAt) : undefined),
  ].flat().filter((x): x is HTMLElement => Boolean(x));
  return h('dl', { class: 'facts' }, ...rows);
}

function loader(label: string, load: () => Promise<HTMLElement>): HTMLElement {
  const out = h('div', {});
  const btn = h('button', { type: 'button', 'aria-label': label }, label);
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    clear(out);
    try {
      out.append(await load());
    } catch (err) {
      out.append(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
    }
    btn.disabled = false;
  });
  return h('div', { class: 'loader' }, btn, out);
}

/** What changes with the item's state: links, decisions, facts, history. */
export function renderSummary(epicId: string, d: Detail): HTMLElement[] {
  const it = d.item;
  const wf = `epic/${epicId}/item/${it.itemId}`;
  return [
    h('p', {}, h('a', { href: webUi(wf), target: '_blank', rel: 'noopener', 'aria-label': `${it.itemId} in the Temporal Web UI` }, 'Temporal Web UI'), ` (${wf})`),
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': `Decisions on ${it.itemId}` },
      actionButton(epicId, 'retry', 'Retry', it.itemId),
      actionButton(epicId, 'skip', 'Skip', it.itemId),
      actionButton(epicId, 'approve', 'Approve', it.itemId),
      actionButton(epicId, 'cancel', 'Cancel', it.itemId),
    ),
    facts(d),
    h('h3', {}, 'History'),
    it.history?.length ? h('ol', { class: 'history' }, ...it.history.map((l) => h('li', {}, l))) : h('p', {}, 'none yet'),
  ];
}

/** Gate logs and transcripts: buttons that fetch them on request (kept as they are while their list is the same). */
export function renderFiles(epicId: string, d: Detail): HTMLElement[] {
  const it = d.item;
  return [
    h('h3', {}, 'Gate logs'),
    d.gateLogs.length
      ? h('div', {}, ...d.gateLogs.map((name) => loader(`Show gate log ${name}`, async () => h('pre', { class: 'log' }, (await getJSON<{ text: string }>(`${base(epicId, it.itemId)}/gate-logs/${encodeURIComponent(name)}`)).text))))
      : h('p', {}, 'none'),
    h('h3', {}, 'Transcripts'),
    it.transcripts?.length
      ? h('div', {}, ...it.transcripts.map((name, i) => loader(`Show transcript ${name}`, async () => {
          const t = await getJSON<{ name: string; entries: Entry[] }>(`${base(epicId, it.itemId)}/transcripts/${i}`);
          return renderTranscript(t.name, t.entries);
        })))
      : h('p', {}, 'none'),
  ];
}

/** The panel element and how to fill it for an item. */
export class Panel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly files: HTMLElement;
  private filesKey = '';
  private readonly heading: HTMLElement;
  itemId?: string;
  private lastKey = '';

  constructor(private readonly epicId: string, onClose: () => void) {
    this.heading = h('h2', { id: 'panel-h' }, '');
    this.summary = h('div', {});
    this.files = h('div', {});
    this.body = h('div', { class: 'panel-body' }, this.summary, this.files);
    this.el = h(
      'aside',
      { class: 'panel', 'aria-labelledby': 'panel-h', hidden: true },
      h('div', { class: 'panel-head' }, this.heading, h('button', { type: 'button', 'aria-label': 'Close the item panel', onclick: onClose }, '×')),
      this.body,
    );
  }

  async open(itemId: string, title: string): Promise<void> {
    this.itemId = itemId;
    this.lastKey = '';
    this.heading.textContent = `${itemId}: ${title}`;
    this.el.hidden = false;
    this.filesKey = '';
    clear(this.files);
    this.summary.replaceChildren(h('p', {}, 'Loading…'));
    await this.refresh(itemId);
    (this.el.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  /** Re-reads the item when its entry in the epic changed (state, attempts, cost...). */
  async refresh(itemId: string, key?: string): Promise<void> {
    if (key !== undefined && key === this.lastKey) return;
    if (key !== undefined) this.lastKey = key;
    try {
      const d = await getJSON<Detail>(base(this.epicId, itemId));
      if (this.itemId !== itemId) return;
      this.summary.replaceChildren(...renderSummary(this.epicId, d));
      const filesKey = JSON.stringify([d.gateLogs, d.item.transcripts]);
      if (filesKey !== this.filesKey) {
        this.filesKey = filesKey;
        this.files.replaceChildren(...renderFiles(this.epicId, d));
      }
    } catch (err) {
      this.summary.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
    }
  }

  close(): void {
    this.itemId = undefined;
    this.el.hidden = true;
  }
}
