// Formatting of amounts, counts and dates for display. Pure functions
// (format.test.ts); the unit words come from the caller's locale.

export interface AmountUnits {
  yuan: string
  wan: string
  yi: string
}
const ZH: AmountUnits = { yuan: '元', wan: '万元', yi: '亿元' }

// "259937.5" -> "25.99万元"; "500000000" -> "5亿元"; "1833" -> "1,833元".
export function formatAmount(v: string | number | null | undefined, units: AmountUnits = ZH): string {
  if (v === null || v === undefined || v === '') return '—'
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isFinite(n)) return String(v)
  const abs = Math.abs(n)
  const trim = (x: number, digits: number) => x.toFixed(digits).replace(/\.?0+$/, '')
  if (abs >= 1e8) return `${trim(n / 1e8, 2)}${units.yi}`
  if (abs >= 1e4) return `${trim(n / 1e4, 2)}${units.wan}`
  return `${n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}${units.yuan}`
}

// Plain yuan with thousands separators: "259,937.50".
export function formatYuan(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isFinite(n)) return String(v)
  return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return n.toLocaleString('zh-CN')
}

// Amount text as the rule language writes it ("5亿", "200万", "1833") -> yuan.
export function parseAmountText(s: string | null | undefined): number | null {
  if (!s) return null
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(亿|万)?\s*(?:元)?\s*$/.exec(s)
  if (!m) return null
  const n = Number(m[1])
  return m[2] === '亿' ? n * 1e8 : m[2] === '万' ? n * 1e4 : n
}

export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '—'
  // "2026-11-27T10:20:30+08:00" or "2026-11-27 10:20:30" -> "2026-11-27 10:20"
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(s)
  return m ? `${m[1]} ${m[2]}` : s
}

export function daysBetween(from: string, to: string): number {
  const a = Date.parse(from + 'T00:00:00Z'), b = Date.parse(to + 'T00:00:00Z')
  return Math.round((b - a) / 86400000)
}

export type WindowState = 'open' | 'pre' | 'notStarted' | 'closed' | 'always'

export function windowState(w: { start?: string; end?: string; pre_start?: string; pre_end?: string } | undefined, today: string): WindowState {
  if (!w || (!w.start && !w.end)) return 'always'
  if (w.pre_start && w.pre_end && today >= w.pre_start && today <= w.pre_end) return 'pre'
  if (w.start && today < w.start) return 'notStarted'
  if (w.end && today > w.end) return 'closed'
  return 'open'
}

// Today in China (UTC+8) as YYYY-MM-DD.
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600000).toISOString().slice(0, 10)
}

// "2025-11-15", "2026-02-01" -> ["2025-11", "2025-12", "2026-01", "2026-02"].
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = []
  let y = Number(from.slice(0, 4))
  let m = Number(from.slice(5, 7))
  const ey = Number(to.slice(0, 4))
  const em = Number(to.slice(5, 7))
  if (![y, m, ey, em].every(Number.isFinite)) return out
  while ((y < ey || (y === ey && m <= em)) && out.length < 1200) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    if (++m > 12) {
      m = 1
      y++
    }
  }
  return out
}

// Groups keyed by month, one for every month of [from, to] in order: a month
// the list lacks is zero(key).
export function everyMonth<T extends { key: string }>(groups: T[], from: string, to: string, zero: (key: string) => T): T[] {
  const byKey = new Map(groups.map((g) => [g.key, g]))
  return monthsBetween(from, to).map((k) => byKey.get(k) ?? zero(k))
}
