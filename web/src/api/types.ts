// Shapes of the zhida API (src/http/api/openapi/*.json). Amounts are decimal
// strings in yuan ("259937.5"); dates are "YYYY-MM-DD".

export type Amount = string

export type Role =
  | 'enterprise_legal'
  | 'enterprise_agent'
  | 'policy_officer'
  | 'reviewer'
  | 'funds_officer'
  | 'data_steward'
  | 'auditor'
  | 'leader'

export interface User {
  id?: number
  username: string
  display_name: string
  role: Role
  enterprise_id?: number | null
  // The firm's name for enterprise users; null for staff.
  enterprise_name?: string | null
  department?: string
}

export interface LoginResult {
  csrf_token: string
  user: User
}

export interface Condition {
  clause: string
  rule: string
  verifiable?: boolean
  material?: string
}

export interface Material {
  name: string
  commitment?: boolean
  description?: string
}

export interface PolicyWindow {
  start?: string
  end?: string
  pre_start?: string
  pre_end?: string
}

export interface Policy {
  id: string
  name: string
  department?: string
  document?: string
  clause?: string
  summary?: string
  tags?: string[]
  reference_year?: number
  conditions: Condition[]
  award?: string
  window?: PolicyWindow
  budget?: Amount | null
  budget_mode?: 'first_come' | 'pro_rata'
  caps?: { per_application?: Amount; per_firm_year?: Amount; cumulative?: Amount }
  tax_capped?: boolean
  exclusivity_group?: string
  top_up?: boolean
  materials?: Material[]
  auto_grant?: boolean
  publicity_days?: number
  version?: number
  status?: 'draft' | 'published' | 'closed'
  published_at?: string
  fully_verifiable?: boolean
}

// A policy as the API shows it (PolicyView): the current version plus, for
// those allowed, the draft.
export interface PolicyView extends Policy {
  hash?: string | null
  created_at?: string
  updated_at?: string
  can_edit?: boolean
  draft?: Policy
  draft_hash?: string
  draft_changed?: boolean
  warnings?: RuleIssue[]
}

export type Verdict = 'match' | 'possible' | 'no'
export type CondResult = 'true' | 'false' | 'unknown' | 'review'

export interface Evidence {
  text: string
  result: string
  gap?: string
}

export interface ConditionResult {
  clause: string
  rule: string
  verifiable: boolean
  material?: string
  result: CondResult
  evidence: Evidence[]
  missing: string[]
}

export interface Match {
  policy_id: string
  policy_name?: string
  department?: string
  version?: number
  verdict: Verdict
  award: Amount | null
  award_text?: string
  needs_review?: boolean
  auto_grant?: boolean
  deadline?: string
  missing?: string[]
  conditions?: ConditionResult[]
}

export interface MatchList {
  enterprise_id: number
  items: Match[]
  match: number
  possible: number
  award_total: Amount
}

export interface Bucket {
  key: string
  match: number
  possible: number
  award: Amount
}

export interface FirmBrief {
  enterprise_id: number
  name: string
  street?: string
  industry?: string
  verdict?: Verdict
  award?: Amount | null
}

export interface SandboxResult {
  match: number
  possible: number
  award_sum: Amount
  budget: Amount | null
  over_budget: boolean
  by_street: Bucket[]
  by_industry: Bucket[]
  by_size: Bucket[]
  compared: boolean
  compared_version?: number
  gained: number
  lost: number
  gained_firms: FirmBrief[]
  lost_firms: FirmBrief[]
  elapsed_ms: number
}

export interface RuleIssue {
  code?: string
  message: string
  severity?: 'error' | 'warning'
  line?: number
  column?: number
  length?: number
  field?: string
}

export interface CompileResult {
  ok: boolean
  issues: RuleIssue[]
  normalized?: string | null
  type?: string | null
  type_zh?: string | null
  attributes?: { name: string; year?: number }[]
}

// The rule syntax tree of /rules/parse and /rules/print (RuleNode).
export interface RuleNode {
  kind: 'number' | 'string' | 'bool' | 'null' | 'list' | 'attr' | 'call' | 'neg' | 'not' | 'and' | 'or' | 'compare' | 'arith' | 'in' | 'between'
  range?: { line: number; column: number; end_line: number; end_column: number }
  type?: string
  text?: string
  value?: unknown
  unit?: string
  items?: RuleNode[]
  name?: string
  period?: number | string
  year?: number
  args?: RuleNode[]
  operand?: RuleNode
  operands?: RuleNode[]
  op?: string
  left?: RuleNode
  right?: RuleNode
  low?: RuleNode
  high?: RuleNode
  [k: string]: unknown
}

export interface VocabularyAttribute {
  id?: number
  name: string
  type: string
  periods?: boolean
  unit?: string
  source?: string
  sensitivity?: string
  description?: string
  values?: string[]
}

export interface Vocabulary {
  attributes: (VocabularyAttribute & { type_zh?: string; years?: number[]; frequency?: string })[]
  functions?: { name: string; signature?: string; description?: string }[]
  keywords?: string[]
  periods?: string[]
}

export interface CatalogAttribute extends VocabularyAttribute {
  frequency?: string
}

// One fact of a firm's portrait: value, source department, as-of (数据时点).
export interface Fact {
  attribute: string // 营业收入[2024]
  name?: string // 营业收入
  year?: number | null
  value: unknown
  display?: string
  source?: string
  as_of?: string
  loaded_at?: string
  batch_id?: number | null
  sensitivity?: '公开' | '内部' | '敏感' | string
  masked?: boolean
  derived?: boolean
  meta?: { type?: string; unit?: string; description?: string; [k: string]: unknown }
}

export interface Portrait {
  enterprise_id: number
  name?: string
  uscc?: string
  street?: string
  industry?: string
  as_of?: string | null
  known?: boolean
  facts: Fact[]
  tags?: Fact[]
  tags_held?: string[]
}

export interface EnterpriseBrief {
  id: number
  name: string
  uscc?: string
  street?: string
  industry?: string
  size?: string
  lon?: number
  lat?: number
}

export interface EnterpriseList {
  items: EnterpriseBrief[]
  total: number
}

// draft, submitted, in_review, returned, approved, rejected, publicity, disbursed
export type ApplicationStatus = string

export interface TimelineEvent {
  at: string
  action?: string // create, save, submit, assign, check, return, approve, reject, publicize, disburse, remind …
  from?: string
  to?: string
  to_zh?: string
  actor?: { id?: number; name?: string; role?: string } | string
  detail?: Record<string, unknown> | null
  // older / simpler shapes
  status?: string
  note?: string
  text?: string
}

export interface DecisionSummary {
  id?: number
  kind?: 'submission' | 'review' | string
  outcome?: 'approved' | 'review' | 'rejected' | string
  instant?: boolean
  award?: Amount | null
  award_fen?: number | null
  hash?: string
  reasons?: string[]
  decided_at?: string
  conditions?: ConditionResult[]
}
export type Decision = DecisionSummary

// A declaration (声明): a commitment for condition i, or a value for a fact the data lacks.
export interface Declaration {
  condition: number
  commitment?: boolean
  attribute?: string
  value?: string
  text?: string
}

// A material: an upload (id from POST /materials) or a signed commitment (告知承诺).
export interface MaterialRef {
  name: string
  condition?: number
  id?: number | string
  sha256?: string
  file_name?: string
  size?: number
  commitment?: boolean
}

export interface UploadResult {
  id: number | string
  sha256?: string
  size?: number
  file_name?: string
  content_type?: string
}

// One item of the review checklist (决策树).
export interface ChecklistItem {
  key: string // condition:2, material:贷款合同, exclusivity, budget, award
  kind: string
  title: string
  detail?: string
  evidence?: string[]
  provided?: string[]
  automatic?: boolean
  verdict?: 'pending' | 'pass' | 'fail' | string
  note?: string
  by_name?: string
  at?: string
}

export interface ItemVerdict {
  key: string
  verdict: 'pass' | 'fail' | 'pending'
  note?: string
}

export interface Application {
  id: number
  policy_id: string
  policy_name?: string
  policy_version?: number
  enterprise_id: number
  enterprise_name?: string
  year?: number
  status: ApplicationStatus
  status_zh?: string
  origin?: string
  award?: Amount | null
  estimate?: Amount | null
  assignee?: { id: number; name: string } | null
  due_on?: string | null
  overdue?: boolean
  return_count?: number
  decision?: DecisionSummary | null
  decisions?: DecisionSummary[]
  declarations?: Declaration[]
  materials?: MaterialRef[]
  checklist?: ChecklistItem[]
  reasons?: string[]
  timeline?: TimelineEvent[]
  created_at?: string
  updated_at?: string
  submitted_at?: string | null
}

export interface ApplyResult {
  id: number
  status: ApplicationStatus
  decision?: DecisionSummary | null
}

// The prefilled application form (秒填).
export interface FormCondition {
  index: number
  clause: string
  rule?: string
  verifiable?: boolean
  material?: string
  data?: string
  evidence?: (string | Evidence)[]
  missing?: string[]
  ask: 'none' | 'value' | 'commitment_or_material'
}
export interface ApplyForm {
  enterprise_id: number
  enterprise_name?: string
  policy_id: string
  policy_name?: string
  policy_version?: number
  window?: PolicyWindow
  window_open?: boolean
  auto_grant?: boolean
  verdict?: string
  facts?: Fact[]
  conditions: FormCondition[]
  materials: Material[]
  estimate?: Amount | null
  instant?: boolean
  outcome?: string
  reasons?: string[]
  existing?: { id: number; status: string } | null
}

export interface Message {
  id: number
  title: string
  body?: string
  text?: string
  kind?: string
  link?: string
  policy_id?: string | null
  application_id?: number | null
  created_at: string
  read?: boolean
  read_at?: string | null
}

export interface PublicityEntry {
  application_id?: number
  enterprise_id?: number
  enterprise_name: string
  policy_id: string
  policy_name?: string
  award: Amount
  start?: string
  end?: string
  objections?: number
  status?: string
}

export interface DisbursementBatch {
  id: number
  policy_id?: string
  policy_name?: string
  status: string
  created_at?: string
  total?: Amount
  count?: number
  reduced?: boolean
  items?: { application_id: number; enterprise_name: string; award: Amount; paid?: Amount }[]
}

// 核心指标 (openapi/stats.json HeadlineFigures).
export interface HeadlineFigures {
  policy_items: number
  applications: number
  approved: number
  approved_amount: Amount
  instant_approved: number
  instant_amount: Amount
  instant_rate_count: number | null
  instant_rate_money: number | null
  paid_amount: Amount
  firms_benefited: number
  pushes_sent: number
  // by=street only: the firms registered in the street (the total: all firms).
  enterprises?: number
}
export interface StatsResult {
  from: string
  to: string
  by: string | null
  total: HeadlineFigures
  groups?: (HeadlineFigures & { key: string })[]
}

export interface Paged<T> {
  items: T[]
  total: number
}
