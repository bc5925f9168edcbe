/** `overseer status <epicId>`: every item's state. */
import type { Command } from 'commander';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import { connect } from '../connection';
import { formatStatus } from '../format';
import { buildsOfEpic, formatBuilds } from '../builds';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .argument('<epicId>')
    .description("print every item's state")
    .option('--json', 'as JSON')
    .action(async (epicId: string, opts) => {
      const { client, connection } = await connect();
      try {
        const status = await client.workflow.getHandle(epicWorkflowId(epicId)).query(epicStatusQuery);
        if (opts.json) console.log(JSON.stringify({ ...status, builds: Object.fromEntries(await buildsOfEpic(client, status)) }, null, 2));
        else console.log(`${formatStatus(status)}\n${await formatBuilds(client, client.options.namespace, status)}`);
      } finally {
        await connection.close();
      }
    });
}
