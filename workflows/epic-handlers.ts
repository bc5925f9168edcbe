/** Every message handler of the epic, registered before the first await (in this order). */
import { registerAnswers } from './epic-answers';
import { registerItemReports } from './epic-children';
import { registerBudget } from './epic-budget';
import { registerCommands } from './epic-human-commands';
import type { EpicContext } from './epic-context';
import { registerQueries } from './epic-queries';
import { registerProgramHandlers } from './epic-program';

export function registerEpicHandlers(ctx: EpicContext): void {
  registerItemReports(ctx);
  registerQueries(ctx);
  registerAnswers(ctx);
  registerCommands(ctx);
  registerBudget(ctx);
  registerProgramHandlers(ctx);
}
