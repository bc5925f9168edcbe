/**
 * Open questions: text, options, context, a box to answer in. Answering sends the validated `answerQuestion`
 * update (through the server); a refusal shows the server's message; a question leaves the list once the live
 * feed no longer has it open.
 */
import type { Question } from '../../common/status';
import { ApiError, postJSON } from './api';
import { clear, h } from './dom';

export class Questions {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly shown = new Map<string, HTMLElement>();

  constructor() {
    this.list = h('div', { class: 'question-list' });
    this.el = h('section', { class: 'questions', 'aria-labelledby': 'questions-h' }, h('h2', { id: 'questions-h' }, 'Questions'), this.list);
  }

  update(questions: Question[]): void {
    const open = new Set(questions.map((q) => q.questionId));
    for (const [id, el] of this.shown) {
      if (!open.has(id)) {
        el.remove();
        this.shown.delete(id);
      }
    }
    for (const q of questions) if (!this.shown.has(q.questionId)) this.add(q);
    this.el.hidden = this.shown.size === 0;
  }

  private add(q: Question): void {
    const slug = q.questionId.replace(/[^A-Za-z0-9_-]/g, '_');
    const box = h('textarea', { id: `answer-${slug}`, rows: 2, 'aria-label': `Answer to ${q.itemId}: ${q.question}` });
    const error = h('p', { class: 'error', role: 'alert' });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Answer');
    const form = h(
      'form',
      { class: 'question', 'data-question-id': q.questionId, 'aria-label': `Question from ${q.itemId}` },
      h('p', { class: 'q-meta' }, `${q.itemId} asks (${q.kind === 'merge_conflict' ? 'merge conflict' : 'agent'}, ${q.questionId}):`),
      h('p', { class: 'q-text' }, q.question),
      q.options?.length ? h('div', { class: 'options', role: 'group', 'aria-label': 'Options' }, ...q.options.map((o) => h('button', { type: 'button', 'aria-label': `Use option ${o}`, onclick: () => (box.value = o) }, o))) : null,
      q.context ? h('details', { open: true }, h('summary', {}, 'Context'), h('pre', {}, q.context)) : null,
      box,
      send,
      error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.answer(q, box.value, send, error);
    });
    this.shown.set(q.questionId, form);
    this.list.append(form);
  }

  private async answer(q: Question, text: string, send: HTMLButtonElement, error: HTMLElement): Promise<void> {
    send.disabled = true;
    clear(error);
    try {
      const r = await postJSON<{ message: string }>('/api/answer', { questionId: q.questionId, answer: text, answeredBy: 'dashboard' });
      error.className = 'ok';
      error.textContent = `${r.message}; waiting for ${q.itemId} to go on…`;
    } catch (err) {
      error.className = 'error';
      error.textContent = err instanceof ApiError ? err.message : String(err);
      send.disabled = false;
    }
  }
}
