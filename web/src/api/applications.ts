// 申报与审批 (C5): the prefilled form, apply (秒批 or the review queue),
// drafts, correction and resubmission, the review queue and its actions.
// Shapes follow services/applications (ActionResult {id,status,decision},
// Declaration, MaterialRef, checklist Verdict {key,verdict,note}).
import { download, get, post, put, upload } from './http'
import type { Application, ApplyForm, ApplyResult, Declaration, MaterialRef, Paged, UploadResult, ItemVerdict } from './types'

export interface ApplyBody {
  policy_id: string
  enterprise_id: number
  declarations: Declaration[]
  materials: MaterialRef[]
  submit?: boolean // false: save as a draft
}
export const applicationForm = (enterpriseId: number, policyId: string) =>
  get<ApplyForm>('/applications/form', { enterprise_id: enterpriseId, policy_id: policyId })
export const apply = (b: ApplyBody) => post<ApplyResult>('/applications', { ...b, submit: true })
export const saveApplicationDraft = (b: ApplyBody) => post<ApplyResult>('/applications', { ...b, submit: false })
// A draft or a returned application: new declarations and materials; submit: (re)submit.
export const updateApplication = (id: number, b: { declarations: Declaration[]; materials: MaterialRef[]; submit: boolean }) =>
  put<ApplyResult>(`/applications/${id}`, b)
export interface ApplicationQuery {
  enterprise_id?: number
  status?: string
  policy_id?: string
  limit?: number
  offset?: number
}
export const listApplications = (q: ApplicationQuery) => get<Paged<Application>>('/applications', { ...q })
// 导出 Excel: every application of the list's filter (a firm: its own).
export const exportApplications = (q: Omit<ApplicationQuery, 'limit' | 'offset'>) => download('/applications.xlsx', { ...q }, '申请列表.xlsx')
export const getApplication = (id: number) => get<Application>(`/applications/${id}`)
// Materials are stored content-addressed; the answer's id goes into MaterialRef.id.
export const uploadMaterial = (file: File, onProgress?: (p: number) => void, enterpriseId?: number) =>
  upload<UploadResult>('/materials', file, { name: file.name, enterprise_id: enterpriseId }, onProgress)

// Review (审核员) — openapi/review.json; checklist verdicts go as `items`.
export interface ReviewQueueQuery {
  status?: string
  assignee?: string
  policy_id?: string
  overdue?: boolean
  limit?: number
  offset?: number
}
export const reviewQueue = (q: ReviewQueueQuery) => get<Paged<Application>>('/review/queue', { ...q })
export const exportReviewQueue = (q: Omit<ReviewQueueQuery, 'limit' | 'offset'>) => download('/review/queue.xlsx', { ...q }, '审核队列.xlsx')
export const assignReview = (id: number) => post<ApplyResult>(`/review/applications/${id}/assign`, {})
export const saveChecklist = (id: number, items: ItemVerdict[]) => put<ApplyResult>(`/review/applications/${id}/checklist`, { items })
export const returnApplication = (id: number, reasons: string[], items: ItemVerdict[]) =>
  post<ApplyResult>(`/review/applications/${id}/return`, { reasons, items })
export const approveApplication = (id: number, note: string, items: ItemVerdict[]) =>
  post<ApplyResult>(`/review/applications/${id}/approve`, note ? { items, note } : { items })
export const rejectApplication = (id: number, reasons: string[], items: ItemVerdict[]) =>
  post<ApplyResult>(`/review/applications/${id}/reject`, { reasons, items })
