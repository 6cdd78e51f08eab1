// The application form: from the server (GET /applications/form, 秒填), or —
// on a server without it — assembled from the policy and the firm's match.
import { applicationForm } from '@/api/applications'
import { ApiError } from '@/api/http'
import { explainMatch } from '@/api/matching'
import { getPolicy } from '@/api/policies'
import type { ApplyForm, FormCondition } from '@/api/types'

export async function loadForm(enterpriseId: number, policyId: string): Promise<ApplyForm> {
  try {
    return await applicationForm(enterpriseId, policyId)
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 405) && e.code !== 'policy.not_found')) throw e
  }
  const [p, m] = await Promise.all([getPolicy(policyId), explainMatch(enterpriseId, policyId)])
  const conditions: FormCondition[] = (m.conditions ?? []).map((c, index) => ({
    index,
    clause: c.clause,
    rule: c.rule,
    verifiable: c.verifiable,
    material: c.material,
    evidence: c.evidence,
    missing: c.missing,
    ask: c.verifiable && c.result === 'true' ? 'none' : c.verifiable && c.missing.length ? 'value' : 'commitment_or_material',
  }))
  return {
    enterprise_id: enterpriseId,
    policy_id: p.id,
    policy_name: p.name,
    policy_version: p.version,
    window: p.window,
    auto_grant: p.auto_grant,
    verdict: m.verdict,
    conditions,
    materials: p.materials ?? [],
    estimate: m.award,
    instant: m.verdict === 'match' && !m.needs_review,
  }
}

export const evidenceText = (e: string | { text: string }) => (typeof e === 'string' ? e : e.text)
