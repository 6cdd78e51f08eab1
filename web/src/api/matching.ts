// 智能匹配 (C3): what a firm can get, with why and why not; the sandbox.
import { get, post } from './http'
import type { Match, MatchList, Policy, SandboxResult } from './types'

export const enterpriseMatches = (enterpriseId: number, explain = true) =>
  get<MatchList>(`/enterprises/${enterpriseId}/matches`, { explain })
export const explainMatch = (enterpriseId: number, policyId: string) =>
  get<Match>(`/enterprises/${enterpriseId}/matches/${encodeURIComponent(policyId)}`)
export const runSandbox = (policy: Partial<Policy>, compare = true, listLimit = 20) =>
  post<SandboxResult>('/sandbox', { policy, compare, list_limit: listLimit })
