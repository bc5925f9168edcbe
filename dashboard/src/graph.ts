/**
 * The dependency graph as SVG, at the positions ELK computed on the server. Each item is a focusable button
 * (Enter or click opens its panel), coloured by its state; zoom buttons scale the drawing.
 */
import { clear, h, svg } from './dom';

export interface Layout {
  width: number;
  height: number;
  nodes: { id: string; title: string; x: number; y: number; width: number; height: number }[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  layoutMs: number;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class Graph {
  readonly el: HTMLElement;
  private readonly canvas: HTMLElement;
  private svgEl?: SVGSVGElement;
  private nodes = new Map<string, SVGGElement>();
  private scale = 1;
  private layout?: Layout;

  constructor(private readonly onOpen: (itemId: string) => void) {
    this.canvas = h('div', { class: 'graph-canvas', tabindex: 0, 'aria-label': 'Dependency graph (scrolls)' });
    const zoom = (f: number | 'fit') => () => this.zoom(f);
    this.el = h(
      'section',
      { class: 'graph', 'aria-label': 'Dependency graph' },
      h(
        'div',
        { class: 'toolbar' },
        h('button', { type: 'button', onclick: zoom(1.25), 'aria-label': 'Zoom in' }, '+'),
        h('button', { type: 'button', onclick: zoom(0.8), 'aria-label': 'Zoom out' }, '−'),
        h('button', { type: 'button', onclick: zoom('fit'), 'aria-label': 'Fit the graph to the window' }, 'Fit'),
        h('button', { type: 'button', onclick: () => this.setScale(1), 'aria-label': 'Actual size' }, '100%'),
      ),
      this.canvas,
    );
  }

  draw(layout: Layout): void {
    this.layout = layout;
    clear(this.canvas);
    this.nodes.clear();
    const root = svg('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'group', 'aria-label': `${layout.nodes.length} items` });
    root.append(
      svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))),
    );
    const edges = svg('g', { class: 'edges', 'aria-hidden': 'true' });
    for (const e of layout.edges) {
      edges.append(svg('polyline', { points: e.points.map((p) => `${p.x},${p.y}`).join(' '), 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
    }
    root.append(edges);
    for (const n of layout.nodes) root.append(this.node(n));
    this.svgEl = root;
    this.canvas.append(root);
    this.setScale(this.scale);
  }

  private node(n: Layout['nodes'][number]): SVGGElement {
    const g = svg('g', { class: 'node', transform: `translate(${n.x},${n.y})`, tabindex: 0, role: 'button', 'data-item-id': n.id, 'data-state': 'pending' });
    g.append(
      svg('title', {}, `${n.id}: ${n.title}`),
      svg('rect', { width: n.width, height: n.height, rx: 6 }),
      svg('text', { x: 8, y: 18, class: 'node-id' }, clip(n.id, 22)),
      svg('text', { x: n.width - 8, y: 18, class: 'node-state', 'text-anchor': 'end' }, 'pending'),
      svg('text', { x: 8, y: 36, class: 'node-title' }, clip(n.title, 32)),
    );
    g.setAttribute('aria-label', `${n.id}: ${n.title} (pending)`);
    g.addEventListener('click', () => this.onOpen(n.id));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.onOpen(n.id);
      }
    });
    this.nodes.set(n.id, g);
    return g;
  }

  /** Colours and labels the items by their current state. */
  update(items: { itemId: string; title: string; state: string }[]): void {
    for (const it of items) {
      const g = this.nodes.get(it.itemId);
      if (!g || g.getAttribute('data-state') === it.state) continue;
      g.setAttribute('data-state', it.state);
      g.setAttribute('aria-label', `${it.itemId}: ${it.title} (${it.state})`);
      g.querySelector('.node-state')!.textContent = it.state;
    }
  }

  has(ids: string[]): boolean {
    return ids.every((id) => this.nodes.has(id));
  }

  select(itemId: string | undefined): void {
    for (const [id, g] of this.nodes) g.classList.toggle('selected', id === itemId);
  }

  private zoom(f: number | 'fit'): void {
    if (!this.layout) return;
    if (f === 'fit') this.setScale(Math.min(1, (this.canvas.clientWidth - 8) / this.layout.width, (this.canvas.clientHeight - 8) / this.layout.height));
    else this.setScale(this.scale * f);
  }

  private setScale(s: number): void {
    this.scale = Math.max(0.1, Math.min(3, s));
    if (!this.svgEl || !this.layout) return;
    this.svgEl.setAttribute('width', String(Math.round(this.layout.width * this.scale)));
    this.svgEl.setAttribute('height', String(Math.round(this.layout.height * this.scale)));
  }
}
