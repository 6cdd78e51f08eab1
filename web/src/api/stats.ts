// 统计 (C8): the headline figures, by street / department / month
// (openapi/stats.json). By street, every street with firms is a group and
// carries `enterprises` (its firms); by month, every month of the period is a
// group, with zeros where nothing happened.
import { get } from './http'
import type { HeadlineFigures, StatsResult } from './types'

export const stats = (q: { from?: string; to?: string; by?: 'street' | 'department' | 'month' } = {}) => get<StatsResult>('/stats', { ...q })

export type { HeadlineFigures }
