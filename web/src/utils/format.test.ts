import { describe, expect, it } from 'vitest'
import { daysBetween, formatAmount, formatDateTime, parseAmountText, windowState } from './format'

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
