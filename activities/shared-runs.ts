/**
 * Work that callers at the same moment can share (a host's items preparing together): one clone of a remote per
 * folder, and fetches into it coalesced, so a burst of N items makes one clone and two fetches rather than N each.
 */

/** Per key, one `run` at a time: whoever asks while it runs waits for that same run. */
export function sharedWhileRunning<K>(): (key: K, run: () => Promise<void>) => Promise<void> {
  const underWay = new Map<K, Promise<void>>();
  return (key, run) => {
    let p = underWay.get(key);
    if (!p) {
      p = run().finally(() => underWay.delete(key));
      underWay.set(key, p);
    }
    return p;
  };
}

/**
 * Per key, one `run` at a time, and every caller gets a run that started after it asked: a call while one runs
 * shares the next, which starts when that one ends (the running one may have read its input before the call).
 * Every caller of a key asks for the same work (the next run is the `run` of whoever asked for it first).
 */
export function sharedNextRun<K>(): (key: K, run: () => Promise<void>) => Promise<void> {
  type Entry = { running: Promise<void>; next?: Promise<void> };
  const underWay = new Map<K, Entry>();
  const start = (key: K, run: () => Promise<void>): Promise<void> => {
    const entry: Entry = { running: run() };
    underWay.set(key, entry);
    // With a next run asked for, the entry stays until that run replaces it: a caller in between shares it.
    const done = () => void (underWay.get(key) === entry && !entry.next && underWay.delete(key));
    entry.running.then(done, done);
    return entry.running;
  };
  return (key, run) => {
    const entry = underWay.get(key);
    if (!entry) return start(key, run);
    entry.next ??= entry.running.catch(() => undefined).then(() => start(key, run));
    return entry.next;
  };
}
