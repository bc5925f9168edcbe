/**
 * Gate commands (plan `settings.gates` / `settings.mergeGates`): shell commands run in a worktree, with the gate
 * environment (activities/environment.ts). The full output goes to a log file on disk; only a short tail travels
 * through workflow history. Both are redacted of the values of the worker's secret-looking variables.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cancellationSignal } from '@temporalio/activity';
import { redactSecrets } from '../common/redact';
import { crashPoint } from './crash-points';
import { gateEnvironment } from './environment';

export interface GateRunInput {
  cwd: string;
  commands: string[];
  /** Per command, in milliseconds. */
  timeoutMs: number;
  logPath: string;
  /** `settings.env`: names of secret-looking worker variables the gates get anyway. */
  env?: string[];
}

export type GateRunResult =
  | { passed: true; logPath: string }
  | { passed: false; command: string; exitCode?: number; outputTail: string; logPath: string };

const TAIL_BYTES = 4000;

function tail(text: string): string {
  return text.length > TAIL_BYTES ? `…${text.slice(-TAIL_BYTES)}` : text;
}

function inActivity(): boolean {
  try {
    cancellationSignal();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the commands in order and stops at the first failure. Safe to run twice: it only reads the worktree.
 * (Heartbeats come from the activity wrapper in activities/index.ts; cancellation stops the running command.)
 */
export async function runCommands(input: GateRunInput): Promise<GateRunResult> {
  mkdirSync(path.dirname(input.logPath), { recursive: true });
  const log = createWriteStream(input.logPath, { flags: 'a' });
  const activity = inActivity();
  try {
    for (const command of input.commands) {
      crashPoint('gates:mid');
      log.write(`$ ${command}\n`);
      const result = await execa(command, {
        cwd: input.cwd,
        shell: true,
        all: true,
        reject: false,
        stdin: 'ignore',
        timeout: input.timeoutMs,
        cancelSignal: activity ? cancellationSignal() : undefined,
        env: { ...gateEnvironment(input.env), CI: 'true', OVERSEER_GATE: '1' },
        extendEnv: false,
      });
      const output = redactSecrets(result.all ?? '', process.env);
      log.write(output.endsWith('\n') || !output ? output : `${output}\n`);
      if (result.isCanceled) throw new Error('gate cancelled');
      if (result.failed) {
        const why = result.timedOut ? `timed out after ${input.timeoutMs} ms` : `exit code ${result.exitCode}`;
        log.write(`(${why})\n`);
        return {
          passed: false,
          command,
          exitCode: result.exitCode,
          outputTail: tail(redactSecrets(`${output}\n(${command}: ${why})`, process.env)),
          logPath: input.logPath,
        };
      }
    }
    return { passed: true, logPath: input.logPath };
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}
