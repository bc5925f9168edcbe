/**
 * The session slots of a worker host (issue 12), in memory: a host that dies frees them with itself. At most `max`
 * sessions run at once: a session takes a slot when it starts (waiting for one if need be) and frees it when it
 * ends, so an item between sessions (committing, gating, waiting for its merge) leaves its slot to another. A claim
 * is accepted while the sessions running and the items claimed but not yet in their first session are fewer than
 * `max + 1`: one item prepares its worktree while the others' sessions run, so a slot that frees is used at once.
 * Whoever waits for room (a claim, a session, the claims' slot supplier in workers/claim-slots.ts) is told of every
 * change.
 */

/** How long a claim waits for the item's first session without news from the item (a workflow that went away). */
const CLAIM_LEASE_MS = 60_000;

export class HostSlots {
  private readonly sessions = new Set<string>();
  private readonly claims = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  constructor(readonly max: number) {}

  private purge(): void {
    const now = Date.now();
    for (const [key, until] of this.claims) if (until < now) this.claims.delete(key);
  }

  /**
   * A claim of this host for `key`, if the host can take one more item; `freeSlotOnly`: only if the item's session
   * could start at once (a move from a busy host, which holds the lease for `leaseMs` until the item's session).
   */
  tryClaim(key: string, opts: { freeSlotOnly?: boolean; leaseMs?: number } = {}): boolean {
    this.purge();
    if (this.sessions.has(key)) return true;
    if (opts.freeSlotOnly) {
      // Even for an item this host holds already (a poll sent while it had room may bring its own prefetch back).
      if (this.occupied - (this.claims.has(key) ? 1 : 0) >= this.max) return false;
    } else if (this.claims.has(key)) return true;
    else if (this.occupied >= this.max + 1) return false;
    this.claims.set(key, Date.now() + (opts.leaseMs ?? CLAIM_LEASE_MS));
    this.changed();
    return true;
  }

  /** Whether this host still holds `key` (claimed or in a session). */
  holds(key: string): boolean {
    this.purge();
    return this.claims.has(key) || this.sessions.has(key);
  }

  /** The claim of an item still waiting for its first session here lasts on. */
  renew(key: string): void {
    if (this.claims.has(key)) this.claims.set(key, Date.now() + CLAIM_LEASE_MS);
  }

  /** A session slot for `key`, if one is free. */
  tryStart(key: string): boolean {
    if (!this.sessions.has(key) && this.sessions.size >= this.max) return false;
    this.sessions.add(key);
    this.claims.delete(key);
    this.changed();
    return true;
  }

  end(key: string): void {
    this.sessions.delete(key);
    this.changed();
  }

  /** The item left this host (its worktree removed). */
  release(key: string): void {
    this.sessions.delete(key);
    this.claims.delete(key);
    this.changed();
  }

  /** Whether a claim taken now would wait for a session slot (every slot busy or promised): a prefetch. */
  get full(): boolean {
    return this.occupied >= this.max;
  }

  get running(): number {
    return this.sessions.size;
  }

  /** Sessions running and items claimed but not yet in their first session (a claim takes one while below max + 1). */
  get occupied(): number {
    this.purge();
    return this.sessions.size + this.claims.size;
  }

  /** Calls `listener` at every change of the slots, until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners that something they count besides the slots changed (a permit given back). */
  notify(): void {
    this.changed();
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
