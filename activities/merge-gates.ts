/**
 * Merge gates that really stop at `gateTimeout` (issue 11, point 2). The gate runner's own timeout kills the shell
 * only: a gate such as `npm test` or `sleep 1; sleep 600` leaves children that keep its output open, and the run
 * waits for them. GNU `timeout` runs the command in a process group of its own and kills the whole group.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

let timeoutBinary: string | null | undefined;
function findTimeout(): string | null {
  timeoutBinary ??= (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'timeout')).find((p) => existsSync(p)) ?? null;
  return timeoutBinary;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The command as the merge runs it: bounded by `timeoutMs` with its children (exit code 124 when it timed out). */
export function gateCommand(command: string, timeoutMs: number): string {
  const bin = findTimeout();
  if (!bin) return command;
  return `${quote(bin)} -k 5 ${(timeoutMs / 1000).toFixed(3)}s sh -c ${quote(command)}`;
}
