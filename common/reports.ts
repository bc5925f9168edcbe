/**
 * The agent report protocol (DESIGN §5): what each kind of session must return as its final structured output
 * (`--json-schema`), as types and as plain JSON Schemas (plain objects, no zod: the runner passes them to the CLI).
 */

/** What a session is for; decides its prompt, its report schema and whether it may edit files. */
export type SessionKind =
  | 'implement' // first implementation of an item (or a new attempt)
  | 'fix' // the implementer fixing gate failures or merge-gate failures
  | 'address-review' // the implementer answering a reviewer's findings: fix or rebut
  | 'review' // a peer reviewer, read-only
  | 'tech-lead' // decides a disagreement, may fix directly
  | 'resolve-conflict' // merges the target into the item branch and resolves conflicts
  | 'validate'; // the product manager checking the integrated result of the epic

export interface ImplementationReport {
  status: 'done' | 'question' | 'blocked';
  summary: string;
  question?: string;
  options?: string[];
  context?: string;
  assumptions?: string[];
  /** For address-review sessions: whether the implementer changed code or argued back. */
  response?: 'fixed' | 'rebutted';
  rebuttal?: string;
}

export interface ReviewFinding {
  severity?: 'blocker' | 'major' | 'minor' | 'nit';
  file?: string;
  line?: number;
  message: string;
}

export interface ReviewReport {
  verdict: 'approve' | 'request_changes';
  findings: ReviewFinding[];
  summary?: string;
}

export interface TechLeadReport {
  decision: 'approve' | 'reject';
  reasons: string[];
  summary?: string;
  /** True when the tech lead changed the code itself. */
  fixed?: boolean;
}

export interface ValidationReport {
  verdict: 'approved' | 'needs_work';
  followUps: { id?: string; title: string; description?: string }[];
  summary?: string;
}

export type AgentReport = ImplementationReport | ReviewReport | TechLeadReport | ValidationReport;

export type ReportKind = 'implementation' | 'review' | 'tech-lead' | 'validation';

export function reportKindOf(kind: SessionKind): ReportKind {
  switch (kind) {
    case 'review':
      return 'review';
    case 'tech-lead':
      return 'tech-lead';
    case 'validate':
      return 'validation';
    default:
      return 'implementation';
  }
}

const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;

export const REPORT_SCHEMAS: Record<ReportKind, object> = {
  implementation: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['done', 'question', 'blocked'] },
      summary: str,
      question: str,
      options: strList,
      context: str,
      assumptions: strList,
      response: { type: 'string', enum: ['fixed', 'rebutted'] },
      rebuttal: str,
    },
    required: ['status', 'summary'],
  },
  review: {
    type: 'object',
    properties: {
      verdict: { type: 'string', enum: ['approve', 'request_changes'] },
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            severity: { type: 'string', enum: ['blocker', 'major', 'minor', 'nit'] },
            file: str,
            line: { type: 'integer' },
            message: str,
          },
          required: ['message'],
        },
      },
      summary: str,
    },
    required: ['verdict', 'findings'],
  },
  'tech-lead': {
    type: 'object',
    properties: {
      decision: { type: 'string', enum: ['approve', 'reject'] },
      reasons: strList,
      summary: str,
      fixed: { type: 'boolean' },
    },
    required: ['decision', 'reasons'],
  },
  validation: {
    type: 'object',
    properties: {
      verdict: { type: 'string', enum: ['approved', 'needs_work'] },
      followUps: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id: str, title: str, description: str },
          required: ['title'],
        },
      },
      summary: str,
    },
    required: ['verdict', 'followUps'],
  },
};
