// 政策 (C2): policies, drafts, publish / close / reopen, versions, diff,
// per-policy matches and their Excel export (openapi/policies.json).
import { del, download, get, post, put } from './http'
import type { FirmBrief, Policy, PolicyView } from './types'

export interface PolicyListQuery {
  status?: 'draft' | 'published' | 'closed'
  department?: string
  q?: string
  offset?: number
  limit?: number
}
// Enterprise users: policies in force. Staff: also closed ones and their
// department's drafts.
export const listPolicies = (q: PolicyListQuery = {}) =>
  get<{ items: PolicyView[]; total: number; counts?: { draft?: number; published?: number; closed?: number } }>('/policies', { limit: 500, ...q })
// 导出 Excel: the policies the caller may see, filtered like the list.
export const exportPolicies = (q: Omit<PolicyListQuery, 'limit' | 'offset'> = {}) => download('/policies.xlsx', { ...q }, '政策列表.xlsx')
export const getPolicy = (id: string) => get<PolicyView>(`/policies/${encodeURIComponent(id)}`)

export const createDraft = (p: Policy) => post<PolicyView>('/policies', p)
export const saveDraft = (id: string, p: Policy) => put<PolicyView>(`/policies/${encodeURIComponent(id)}/draft`, p)
export const deleteDraft = (id: string) => del<unknown>(`/policies/${encodeURIComponent(id)}`)
export const publishPolicy = (id: string, draftHash?: string) =>
  post<PolicyView & { published?: { version: number; hash: string; published_at: string } }>(
    `/policies/${encodeURIComponent(id)}/publish`,
    draftHash ? { draft_hash: draftHash } : {},
  )
export const closePolicy = (id: string, reason?: string) => post<PolicyView>(`/policies/${encodeURIComponent(id)}/close`, reason ? { reason } : {})
export const reopenPolicy = (id: string) => post<PolicyView>(`/policies/${encodeURIComponent(id)}/reopen`)
export const listVersions = (id: string) =>
  get<{ policy_id: string; items: { version: number; hash: string; intact?: boolean; published_at: string; name?: string }[]; total: number }>(
    `/policies/${encodeURIComponent(id)}/versions`,
  )

export interface PolicyMatchQuery {
  verdict?: string
  street?: string
  industry?: string
  sort?: string
  limit?: number
  offset?: number
}
export interface PolicyMatches {
  policy_id: string
  policy_name?: string
  version?: number
  match: number
  possible: number
  total: number
  award_sum?: string
  budget?: string | null
  items: (FirmBrief & { size?: string; missing?: string[] })[]
}
export const policyMatches = (id: string, q: PolicyMatchQuery) => get<PolicyMatches>(`/policies/${encodeURIComponent(id)}/matches`, { ...q })
export const exportPolicyMatches = (id: string, q: PolicyMatchQuery) =>
  download(`/policies/${encodeURIComponent(id)}/matches.xlsx`, { ...q }, `${id}-匹配企业.xlsx`)
