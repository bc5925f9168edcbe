/** The human side (DESIGN §3 signals and updates): questions and answers, the inbox, decisions on items, the epic's controls. */
import type { Command } from 'commander';

export function registerQuestions(program: Command): void {
  program
    .command('questions')
    .description('list every open question across all running epics')
    .option('--json', 'as JSON')
    .action(async (opts) => (await import('../actions/questions')).questionsCommand(opts));

  program
    .command('answer')
    .argument('<questionId>')
    .argument('<answer>')
    .option('--by <name>', 'who answers, recorded in history (default: $USER, then git user.name)')
    .description('answer a question; the agent resumes its session with the answer')
    .action(async (questionId: string, answer: string, opts) => (await import('../actions/questions')).answerCommand(questionId, answer, opts));

  program
    .command('inbox')
    .description('everything waiting for you across all epics: questions, failed items, approvals, held merges, waits')
    .option('--json', 'as JSON')
    .action(async (opts) => (await import('../actions/inbox')).inboxCommand(opts));
}

export function registerDecisions(program: Command): void {
  const decide = (name: 'retry' | 'skip' | 'approve', description: string, extra?: (c: Command) => Command) => {
    const c = program.command(name).argument('<epicId>').argument('<itemId>').description(description);
    (extra ? extra(c) : c).action(async (epicId: string, itemId: string, opts) => (await import('../actions/decisions')).decideCommand(name, epicId, itemId, opts));
  };
  decide('retry', 'run a failed item again (with a fresh attempt budget)');
  decide('skip', 'skip an item; its dependents may proceed', (c) => c.option('--reason <text>', 'why', 'skipped by a human'));
  decide('approve', 'let an approved item merge (plans with approval: before-merge)', (c) =>
    c.option('--by <name>', 'who approves (default: $USER, then git user.name)'),
  );
}

export function registerEpicControls(program: Command): void {
  program
    .command('pause')
    .argument('<epicId>')
    .description('start no new items (running ones go on)')
    .action(async (epicId: string) => (await import('../actions/decisions')).pauseCommand(epicId, true));
  program
    .command('resume')
    .argument('<epicId>')
    .description('start items again after pause')
    .action(async (epicId: string) => (await import('../actions/decisions')).pauseCommand(epicId, false));
  program
    .command('cancel')
    .argument('<epicId>')
    .argument('[itemId]')
    .option('--keep-worktrees', 'leave the worktrees of cancelled items on disk')
    .description('cancel one item, or the whole epic (every agent session stops)')
    .action(async (epicId: string, itemId: string | undefined, opts) => (await import('../actions/decisions')).cancelCommand(epicId, itemId, opts));
}
