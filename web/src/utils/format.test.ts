import { describe, expect, it } from 'vitest'
import { daysBetween, everyMonth, formatAmount, formatDateTime, monthsBetween, parseAmountText, windowState } from './format'

describe('formatAmount', () => {
  it('uses 万 and 亿 like people write amounts', () => {
    expect(formatAmount('259937.5')).toBe('25.99万元')
    expect(formatAmount('500000000')).toBe('5亿元')
    expect(formatAmount(1833)).toBe('1,833元')
    expect(formatAmount('2000000')).toBe('200万元')
  })
  it('shows a dash for nothing', () => {
    expect(formatAmount(null)).toBe('—')
    expect(formatAmount('')).toBe('—')
  })
})

describe('parseAmountText', () => {
  it('reads the rule language amounts', () => {
    expect(parseAmountText('5亿')).toBe(5e8)
    expect(parseAmountText('200万')).toBe(2e6)
    expect(parseAmountText('1833')).toBe(1833)
    expect(parseAmountText('abc')).toBeNull()
  })
})

describe('dates', () => {
  it('formats timestamps to minutes', () => {
    expect(formatDateTime('2026-11-27T10:20:30+08:00')).toBe('2026-11-27 10:20')
  })
  it('counts days', () => {
    expect(daysBetween('2026-11-27', '2026-12-18')).toBe(21)
  })
  it('knows the window state', () => {
    const w = { start: '2026-11-16', end: '2026-12-18' }
    expect(windowState(w, '2026-11-27')).toBe('open')
    expect(windowState(w, '2026-11-01')).toBe('notStarted')
    expect(windowState(w, '2026-12-19')).toBe('closed')
    expect(windowState({ start: '2026-12-14', end: '2027-01-15', pre_start: '2026-11-09', pre_end: '2026-12-04' }, '2026-11-27')).toBe('pre')
    expect(windowState(undefined, '2026-11-27')).toBe('always')
  })
})

describe('months', () => {
  it('lists every month of a period, across a year end', () => {
    expect(monthsBetween('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(monthsBetween('2026-03-01', '2026-03-31')).toEqual(['2026-03'])
    expect(monthsBetween('2026-04-01', '2026-03-31')).toEqual([])
  })
  it('fills the months a list lacks with zeros, in order', () => {
    const groups = [{ key: '2026-03', n: 5 }, { key: '2026-01', n: 2 }]
    expect(everyMonth(groups, '2026-01-01', '2026-04-30', (key) => ({ key, n: 0 }))).toEqual([
      { key: '2026-01', n: 2 },
      { key: '2026-02', n: 0 },
      { key: '2026-03', n: 5 },
      { key: '2026-04', n: 0 },
    ])
  })
})
