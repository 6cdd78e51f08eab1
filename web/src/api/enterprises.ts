// 企业画像 (C1): search (staff), portrait with source and as-of of every
// fact (sensitive values masked by role on the server), history, catalog.
// openapi/enterprises.json, openapi/portrait.json.
import { download, get, post } from './http'
import type { CatalogAttribute, EnterpriseList, Fact, Portrait } from './types'

export interface EnterpriseQuery {
  q?: string
  street?: string
  industry?: string
  size?: string
  sort?: string
  limit?: number // 1–200
  offset?: number
}
export const searchEnterprises = (q: EnterpriseQuery) => get<EnterpriseList>('/enterprises', { ...q })
// 导出 Excel: every firm the search finds (filters and sort as the search).
export const exportEnterprises = (q: Omit<EnterpriseQuery, 'limit' | 'offset'>) => download('/enterprises.xlsx', { ...q }, '企业列表.xlsx')
// purpose: why staff look at sensitive data (written to the audit log).
export const getPortrait = (id: number, purpose?: string) => get<Portrait>(`/enterprises/${id}`, { purpose })
export const factHistory = (id: number, attribute: string) =>
  get<{ enterprise_id: number; attribute: string | null; derived?: boolean; items: Fact[] }>(`/enterprises/${id}/history`, { attribute })
// 数据纠错: the firm says a fact is wrong — which one, the right value, why
// (the data steward resolves it: /fact-reports).
export const reportFact = (id: number, body: { attribute: string; value: string; explanation: string }) =>
  post<{ id: number }>(`/enterprises/${id}/fact-reports`, body)
export const catalog = () => get<{ attributes: CatalogAttribute[] }>('/catalog')
export const exportCatalog = (q: { q?: string; source?: string } = {}) => download('/catalog.xlsx', { ...q }, '数据目录.xlsx')
