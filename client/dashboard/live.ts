/**
 * The live feed behind server-sent events: one poll loop per topic (the epics list, or one epic) while anyone
 * listens, pushing a snapshot to every listener whenever it changes. Temporal has no change stream for queries,
 * so the server polls (an epic every 500 ms, the list of epics every second) and the page only receives changes.
 */
export type Listener = (snapshot: unknown) => void;

interface Topic {
  listeners: Set<Listener>;
  last?: string;
  lastValue?: unknown;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export class LiveFeed {
  private topics = new Map<string, Topic>();
  /** Polls under way: closing waits for them, so no query is left running on a client about to be closed. */
  private inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly fetch: (topic: string) => Promise<unknown>,
    /** How often a topic is polled: a number for all, or per topic. */
    private readonly everyMs: number | ((topic: string) => number) = 500,
  ) {}

  private interval(topic: string): number {
    return typeof this.everyMs === 'number' ? this.everyMs : this.everyMs(topic);
  }

  /** Starts listening; the current snapshot comes at once if there is one. Returns the unsubscribe function. */
  subscribe(topic: string, listener: Listener): () => void {
    let t = this.topics.get(topic);
    if (!t) {
      t = { listeners: new Set(), stopped: false };
      this.topics.set(topic, t);
      void this.poll(topic, t);
    } else if (t.lastValue !== undefined) listener(t.lastValue);
    t.listeners.add(listener);
    const topicState = t;
    return () => {
      topicState.listeners.delete(listener);
      if (topicState.listeners.size === 0) this.stop(topic, topicState);
    };
  }

  private stop(topic: string, t: Topic): void {
    t.stopped = true;
    clearTimeout(t.timer);
    if (this.topics.get(topic) === t) this.topics.delete(topic);
  }

  private async poll(topic: string, t: Topic): Promise<void> {
    if (t.stopped) return;
    let value: unknown;
    const fetching = this.fetch(topic);
    this.inflight.add(fetching);
    try {
      value = await fetching;
    } catch (err) {
      value = { error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.inflight.delete(fetching);
    }
    const json = JSON.stringify(value);
    if (!t.stopped && json !== t.last) {
      t.last = json;
      t.lastValue = value;
      for (const l of t.listeners) l(value);
    }
    if (!t.stopped) t.timer = setTimeout(() => void this.poll(topic, t), this.interval(topic));
  }

  /** Stops every poll loop; resolves once the polls under way have answered. */
  async close(): Promise<void> {
    for (const [topic, t] of this.topics) this.stop(topic, t);
    await Promise.allSettled([...this.inflight]);
  }
}
