// 资金 (C5): publicity lists (公示) and objections, disbursement batches
// (拨付), bank accounts, 免申即享 grants (openapi/funds.json).
import { download, get, post } from './http'
import type { Amount, Paged } from './types'

export interface Publicity {
  id: number
  policy_id: string
  policy_name?: string
  year?: number
  title?: string
  start_on: string
  end_on: string
  days?: number
  status: 'open' | 'closed'
  entries?: number
  amount?: Amount
  open_objections?: number
  created_at?: string
  closed_at?: string | null
}
export interface PublicityEntry {
  application_id: number
  enterprise_id?: number
  enterprise_name: string
  amount: Amount
  status?: 'listed' | 'passed' | 'withdrawn'
}
export interface Objection {
  id: number
  publicity_id: number
  application_id: number
  enterprise_id?: number
  lodged_by_name?: string
  contact?: string
  reason: string
  status: 'open' | 'upheld' | 'dismissed'
  reply?: string
  resolved_at?: string | null
  created_at?: string
}
export interface Batch {
  id: number
  policy_id: string
  policy_name?: string
  year?: number
  name?: string
  status: 'draft' | 'closed' | 'paid'
  budget_mode?: 'first_come' | 'pro_rata'
  budget?: Amount | null
  available?: Amount | null
  requested?: Amount
  allocated?: Amount | null
  items?: number
  created_at?: string
  closed_at?: string | null
  paid_at?: string | null
}
export interface BatchItem {
  application_id: number
  enterprise_id?: number
  enterprise_name: string
  requested: Amount
  allocated?: Amount | null
  reduced?: boolean
  account_name?: string
  bank_name?: string
  account_number?: string
  decided_at?: string
}

export const publicityLists = (q: { status?: string; policy_id?: string; limit?: number; offset?: number } = {}) => get<Paged<Publicity>>('/funds/publicity', { ...q })
export const publicityDetail = (id: number) => get<Publicity & { items: PublicityEntry[]; objections?: Objection[] }>(`/funds/publicity/${id}`)
export const startPublicity = (b: { policy_id: string; year?: number; days?: number }) => post<Publicity>('/funds/publicity', b)
export const closePublicity = (id: number) => post<Publicity>(`/funds/publicity/${id}/close`)
export const exportPublicity = (id: number) => download(`/funds/publicity/${id}/export`, undefined, `公示名单-${id}.xlsx`)
export const lodgeObjection = (publicityId: number, b: { application_id: number; reason: string; contact?: string }) =>
  post<Objection>(`/funds/publicity/${publicityId}/objections`, b)
export const resolveObjection = (id: number, b: { outcome: 'upheld' | 'dismissed'; reply: string }) => post<Objection>(`/funds/objections/${id}/resolve`, b)

export const batches = (q: { status?: string; policy_id?: string; limit?: number; offset?: number } = {}) => get<Paged<Batch>>('/funds/batches', { ...q })
export const createBatch = (b: { policy_id: string; year?: number; name?: string }) => post<Batch>('/funds/batches', b)
export const getBatch = (id: number) => get<Batch & { item_list: BatchItem[] }>(`/funds/batches/${id}`)
export const closeBatch = (id: number) => post<Batch>(`/funds/batches/${id}/close`)
export const payBatch = (id: number) => post<Batch>(`/funds/batches/${id}/pay`)
export const exportBatch = (id: number) => download(`/funds/batches/${id}/export`, undefined, `拨付清单-${id}.xlsx`)

// 收款账户: the legal representative confirms where an award is paid.
export const confirmAccount = (applicationId: number, b: { account_name?: string; bank_name?: string; account_number?: string }) =>
  post<unknown>(`/funds/awards/${applicationId}/account`, b)
