/** `overseer hosts`. */
import { connect } from '../connection';
import { formatHosts, listHosts } from '../hosts-list';

export async function hostsCommand(opts: { json?: boolean }): Promise<void> {
  const { client, connection } = await connect();
  try {
    const rows = await listHosts(client);
    console.log(opts.json ? JSON.stringify(rows, null, 2) : formatHosts(rows));
  } finally {
    await connection.close();
  }
}
