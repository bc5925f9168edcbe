import type { temporal } from '@temporalio/proto';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
type Event = temporal.api.history.v1.IHistoryEvent;
const ms = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: 4 });
const n = 6;
const items = Array.from({ length: n }, (_, k) => item(`o${k + 1}`, k ? [`o${k}`] : []));
const plan = smallPlan('handoff', makeRepo('handoff'), items, fakeAgent({}).command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
const epic = (await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).fetchHistory()).events ?? [];
const t0 = ms(epic[0]);
const line = (e: Event) => `${String(ms(e) - t0).padStart(6)} ${e.eventType}`;
console.log('EPIC'); for (const e of epic) console.log(line(e), e.workflowExecutionSignaledEventAttributes?.signalName ?? '', e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '');
for (const id of ['o2', 'o3']) {
  const h = (await env.client.workflow.getHandle(itemWorkflowId(plan.epicId, id)).fetchHistory()).events ?? [];
  console.log('ITEM', id); for (const e of h) console.log(line(e), e.workflowExecutionSignaledEventAttributes?.signalName ?? '', e.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
}
await workers.stop(); await env.teardown();
