/** Failure types of agent sessions that retrying cannot fix (shared by the runner and the workflows' retry policy). */
export const NON_RETRYABLE_AGENT_ERRORS = ['AgentNotFound', 'AgentAuthError', 'AgentLimitReached', 'AgentInvocationError', 'AgentBadInput', 'AgentUsageLimit', 'AgentBudgetExhausted'];
