/**
 * Overseer's own metrics from the activities (issue 16), through the SDK's metric meter, so they are served by the
 * same Prometheus endpoint as the SDK's (`overseer worker --metrics-port`): sessions running, session duration,
 * cost and tokens, gate duration. Outside an activity (direct calls from tests) nothing is recorded.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { AgentRunInput, AgentRunResult } from './agent/types';

function meter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined;
  }
}

let sessionsRunning = 0;

function setSessions(m: MetricMeter | undefined, delta: number): void {
  sessionsRunning += delta;
  m?.createGauge('overseer_sessions_running', 'int', '', 'Claude Code sessions running on this worker').set(sessionsRunning);
}

function recordSession(m: MetricMeter, input: AgentRunInput, ms: number, res: AgentRunResult | undefined, outcome: string): void {
  const tags = { kind: input.kind, outcome };
  m.createHistogram('overseer_session_duration', 'int', 'ms', 'Claude Code session duration').record(ms, tags);
  if (!res) return;
  const cost = m.createCounter('overseer_cost_microusd', 'µUSD', 'session cost, in millionths of a US dollar');
  cost.add(Math.round((res.sessionCostUsd ?? 0) * 1e6), { kind: input.kind });
  const tokens = m.createCounter('overseer_tokens', '', 'tokens used by sessions');
  const u = res.usage;
  if (!u) return;
  for (const [type, n] of [['input', u.inputTokens], ['output', u.outputTokens], ['cache_read', u.cacheReadTokens], ['cache_write', u.cacheWriteTokens]] as const) {
    if (n > 0) tokens.add(n, { kind: input.kind, type });
  }
}

/** Wraps the session activity: the running gauge, the duration histogram, cost and tokens. */
export function measuredSession(fn: (input: AgentRunInput) => Promise<AgentRunResult>): (input: AgentRunInput) => Promise<AgentRunResult> {
  return async (input) => {
    const m = meter();
    const started = Date.now();
    setSessions(m, +1);
    let res: AgentRunResult | undefined;
    let outcome = 'failed';
    try {
      res = await fn(input);
      outcome = 'ok';
      return res;
    } finally {
      setSessions(m, -1);
      if (m) recordSession(m, input, Date.now() - started, res, outcome);
    }
  };
}

/** Wraps the gate activity: its duration and whether the gates passed. */
export function measuredGates<A extends unknown[], R extends { passed: boolean }>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const m = meter();
    const started = Date.now();
    let outcome = 'error';
    try {
      const r = await fn(...args);
      outcome = r.passed ? 'passed' : 'failed';
      return r;
    } finally {
      m?.createHistogram('overseer_gate_duration', 'int', 'ms', 'gate commands duration').record(Date.now() - started, { outcome });
    }
  };
}
