/** The `overseer` command line (commander). One module per command under client/commands/. */
import { Command } from 'commander';
import { PlanError } from '../common/plan-schema';
import { registerDev } from './commands/dev';
import { registerRun } from './commands/run';
import { registerStatus } from './commands/status';
import { registerPlan } from './commands/plan';
import { registerDemo } from './commands/demo';
import { registerHumans } from './commands/humans';
import { registerQueue } from './commands/queue';
import { registerDashboard } from './commands/dashboard';

export function buildProgram(): Command {
  const program = new Command('overseer')
    .description('Turn a planned epic of coding work into merged code, durably, on Temporal.')
    .showHelpAfterError();
  registerDev(program);
  registerRun(program);
  registerStatus(program);
  registerPlan(program);
  registerHumans(program);
  registerQueue(program);
  registerDashboard(program);
  registerDemo(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof PlanError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    console.error(`overseer: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('client/cli.ts')) {
  await main();
}
