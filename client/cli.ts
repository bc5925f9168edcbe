/** The `overseer` command line (commander). Command definitions under client/commands/, their work under client/actions/. */
import { Command } from 'commander';
import { registerAll } from './commands/index';
import { packageVersion } from './package-info';
import { describeError } from './errors';

export function buildProgram(): Command {
  const program = new Command('overseer')
    .description('Turn a planned epic of coding work into merged code, durably, on Temporal.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  registerAll(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // PlanError (bad input, nothing started) by name: importing its module would load zod for `--help`.
    if (err instanceof Error && err.name === 'PlanError') {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    console.error(`overseer: ${describeError(err)}`);
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
  } finally {
    // Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT): the command's spans leave before it exits.
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) await (await import('./connection')).flushTracing();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || /client\/cli\.[jt]s$/.test(process.argv[1] ?? '')) {
  await main();
}
