/** `overseer status <epicId>`: every item's state. */
import type { Command } from 'commander';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import { connect } from '../connection';
import { formatStatus } from '../format';
import { formatProgram, programEpics, programView } from '../program/status';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .argument('<epicId>', 'an epic id, or the program id of a multi-epic run')
    .description("print every item's state")
    .option('--json', 'as JSON')
    .action(async (epicId: string, opts) => {
      const { client, connection } = await connect();
      try {
        if (await programEpics(client, epicId)) {
          const view = await programView(client, epicId);
          console.log(opts.json ? JSON.stringify(view, null, 2) : formatProgram(view));
          return;
        }
        const status = await client.workflow.getHandle(epicWorkflowId(epicId)).query(epicStatusQuery);
        console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status));
      } finally {
        await connection.close();
      }
    });
}
