/** The plan's gates on the item's worktree, and the loop that sends failures back to the implementer. */
import type { GateRunResult } from '../activities/checks';
import { parseDuration } from '../common/durations';
import { safeComponent } from '../common/ids';
import { shortTail } from './messages';
import { gateFailurePrompt } from './prompts';
import { note, setState, type ItemContext } from './item-context';
import { fix, spendAttempt } from './item-implement';

export async function runGates(ctx: ItemContext): Promise<GateRunResult> {
  const { settings } = ctx;
  if (!settings.gates.length) return { passed: true, logPath: '' };
  await setState(ctx, 'gating', settings.gates.join(' && '));
  const result = await ctx.gates.runGates({
    cwd: ctx.worktree,
    commands: settings.gates,
    timeoutMs: parseDuration(settings.gateTimeout),
    logPath: `${ctx.repoPath}/.overseer/logs/${safeComponent(ctx.epicId)}/${safeComponent(ctx.item.id)}/gates-${ctx.input.run}.log`,
  });
  note(ctx, result.passed ? 'gates passed' : `gate failed: ${result.command}`);
  return result;
}

/** Implementer → gates until they pass, each fix spending an attempt. Returns the implementer's session. */
export async function gateLoop(ctx: ItemContext, implSession: string): Promise<string> {
  let g = await runGates(ctx);
  while (!g.passed) {
    const tail = shortTail(g.outputTail); // only a short (redacted) tail goes into history
    spendAttempt(ctx, `gate \`${g.command}\` keeps failing`, `${tail}\n(full log: ${g.logPath})`);
    await setState(ctx, 'running', `fixing gate failure: ${g.command}`);
    implSession = await fix(ctx, gateFailurePrompt(g.command, tail, g.logPath), implSession, `${ctx.item.id}: fix gate ${g.command}`);
    g = await runGates(ctx);
  }
  return implSession;
}
