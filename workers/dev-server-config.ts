/**
 * The dynamic configuration of the dev servers Overseer starts (`overseer dev`, and the tests' and benches'): one
 * partition per task queue. Overseer's queues carry a few tasks a second; the server's default of four partitions
 * is for thousands. With four, and a worker's handful of pollers, a task or a poll that lands on a partition where
 * nobody waits is forwarded to the root partition first, and a claim waiting for a host is forwarded again and
 * again (dozens of forwards a second in bench/hosts.ts, by the dev server's `forwarded` metric). On a busy machine
 * that cost an item 0.1-0.2 s in bench/item-overhead.ts; on an idle one no difference was measured.
 *
 * A database an earlier Overseer made may hold tasks in the other three partitions. Such a database keeps reading
 * all four while new tasks go to one: Temporal's way to shrink a queue (fewer write partitions first, fewer read
 * partitions only once their backlog is gone; temporalio/temporal#3060), since a server that reads fewer partitions
 * than hold tasks may never hand those out. A database made with one partition is marked by a file beside it.
 */
import { existsSync, writeFileSync } from 'node:fs';

/** The file beside a dev server's SQLite database that says the database was made with one partition per queue. */
export const onePartitionMarker = (db: string): string => `${db}.one-partition`;

/** The server's default partition count, read from a database made before Overseer set one. */
const EARLIER_PARTITIONS = 4;

/** The dynamic configuration values for `read` and `write` partitions per task queue. */
export function partitionArgs(read: number, write: number): string[] {
  return ['--dynamic-config-value', `matching.numTaskqueueReadPartitions=${read}`, '--dynamic-config-value', `matching.numTaskqueueWritePartitions=${write}`];
}

/**
 * `temporal server start-dev` arguments for a server in memory (no `db`) or on the SQLite file `db`. A new
 * database is marked as made with one partition (before the server creates it).
 */
export function devServerArgs(db?: string): string[] {
  if (!db || existsSync(onePartitionMarker(db))) return partitionArgs(1, 1);
  if (existsSync(db)) return partitionArgs(EARLIER_PARTITIONS, 1);
  writeFileSync(onePartitionMarker(db), 'This Temporal dev server database was made with one partition per task queue (workers/dev-server-config.ts).\n');
  return partitionArgs(1, 1);
}
