// Where the server is and who can log in: set by scripts/test-web.sh
// (ZHIDA_URL, ZHIDA_ACCOUNTS = the JSON of `zhida demo --print-accounts`).
import { readFileSync } from 'node:fs'

export const BASE = (process.env.ZHIDA_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
const accounts = JSON.parse(readFileSync(process.env.ZHIDA_ACCOUNTS ?? '/dev/stdin', 'utf8'))
const list = Array.isArray(accounts) ? accounts : accounts.accounts

export function account(pred, what) {
  const a = list.find(pred)
  if (!a) throw new Error(`no demo account: ${what}`)
  return a
}
export const byScenario = (scenario, role = 'enterprise_legal') => account((a) => a.scenario === scenario && a.role === role, `${role} ${scenario}`)
export const byRole = (role, department) => account((a) => a.role === role && (!department || a.department === department), `${role} ${department ?? ''}`)

// The policy of the 秒批 scenario (services/demo/accounts.h kInstantPolicy).
export const INSTANT_POLICY = 'BA-2025-025'
