// 统计 (C8): the headline figures, by street / department / month
// (openapi/stats.json). The map's firm counts per street come from the
// enterprise search (its total per street).
import { get } from './http'
import { searchEnterprises } from './enterprises'
import type { HeadlineFigures, StatsResult } from './types'

export const stats = (q: { from?: string; to?: string; by?: 'street' | 'department' | 'month' } = {}) => get<StatsResult>('/stats', { ...q })

export async function firmsPerStreet(streets: readonly string[]): Promise<Record<string, number>> {
  const counts = await Promise.all(streets.map((s) => searchEnterprises({ street: s, limit: 1 }).then((r) => r.total)))
  return Object.fromEntries(streets.map((s, i) => [s, counts[i]]))
}

export type { HeadlineFigures }
