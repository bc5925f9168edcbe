/** Checks that a session's structured output is the report its kind must return (DESIGN §5). */
import { reportKindOf, type AgentReport, type SessionKind } from '../../common/reports';

export type Checked = { ok: true; value: AgentReport } | { ok: false; error: string };

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function validateReport(kind: SessionKind, raw: unknown): Checked {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: 'no structured output (the result is not JSON)' };
    }
  }
  if (!value || typeof value !== 'object') return { ok: false, error: 'no structured output' };
  const r = value as Record<string, unknown>;
  switch (reportKindOf(kind)) {
    case 'implementation':
      if (!['done', 'question', 'blocked'].includes(r.status as string)) return { ok: false, error: `status must be done, question or blocked (got ${JSON.stringify(r.status)})` };
      if (r.status === 'question' && (typeof r.question !== 'string' || !r.question.trim())) return { ok: false, error: 'a question report needs a question' };
      if (r.options !== undefined && !isStringArray(r.options)) return { ok: false, error: 'options must be strings' };
      return { ok: true, value: { ...r, summary: typeof r.summary === 'string' ? r.summary : '' } as AgentReport };
    case 'review':
      if (!['approve', 'request_changes'].includes(r.verdict as string)) return { ok: false, error: `verdict must be approve or request_changes (got ${JSON.stringify(r.verdict)})` };
      return { ok: true, value: { ...r, findings: Array.isArray(r.findings) ? r.findings : [] } as AgentReport };
    case 'tech-lead':
      if (!['approve', 'reject'].includes(r.decision as string)) return { ok: false, error: `decision must be approve or reject (got ${JSON.stringify(r.decision)})` };
      return { ok: true, value: { ...r, reasons: isStringArray(r.reasons) ? r.reasons : [] } as AgentReport };
    case 'validation':
      if (!['approved', 'needs_work'].includes(r.verdict as string)) return { ok: false, error: `verdict must be approved or needs_work (got ${JSON.stringify(r.verdict)})` };
      return { ok: true, value: { ...r, followUps: Array.isArray(r.followUps) ? r.followUps : [] } as AgentReport };
  }
}
