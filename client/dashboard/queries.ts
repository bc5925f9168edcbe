/**
 * The dashboard's queries. Its poll loops and its pages ask the same workflows the same things many times a second;
 * sent all at once they fill the server's per-workflow query buffer ("consistent query buffer is full"), and the
 * client then retries them on a timer. So one query per workflow and query name is under way at a time (callers
 * asking meanwhile share its answer), and the dashboard waits for those under way when it closes, so none is left
 * retrying on a connection about to be closed.
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

const underWay = new WeakMap<Client, Map<string, Promise<unknown>>>();

export function sharedQuery<T>(client: Client, workflowId: string, query: QueryDefinition<T, []>): Promise<T> {
  let mine = underWay.get(client);
  if (!mine) underWay.set(client, (mine = new Map()));
  const key = `${workflowId}\0${query.name}`;
  const running = mine.get(key) as Promise<T> | undefined;
  if (running) return running;
  const asked = client.workflow.getHandle(workflowId).query(query);
  mine.set(key, asked);
  const forget = () => void (mine.get(key) === asked && mine.delete(key));
  asked.then(forget, forget);
  return asked;
}

/** Resolves once every query this client's dashboard has under way has answered (or failed). */
export async function queriesSettled(client: Client): Promise<void> {
  await Promise.allSettled([...(underWay.get(client)?.values() ?? [])]);
}
