/** The item states (DESIGN §3) in the order the legend shows them, with a short human word for each. */
export const STATES: [string, string][] = [
  ['pending', 'waiting for dependencies'],
  ['ready', 'ready to start'],
  ['running', 'agent working'],
  ['awaiting_answer', 'needs an answer'],
  ['gating', 'running gates'],
  ['in_review', 'in review'],
  ['approved', 'approved'],
  ['merging', 'merging'],
  ['merged', 'merged'],
  ['rejected', 'rejected'],
  ['failed', 'failed'],
  ['blocked', 'blocked'],
  ['skipped', 'skipped'],
  ['cancelled', 'cancelled'],
  ['waiting', 'budget or usage limit'],
  ['done', 'done in source'],
];

export const HUMAN_STATES = ['awaiting_answer', 'failed', 'approved'];
