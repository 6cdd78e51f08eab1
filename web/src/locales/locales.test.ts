import { describe, expect, it } from 'vitest'
import zh from './zh-CN'
import en from './en'

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [prefix]
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}
function leaves(o: unknown): string[] {
  if (typeof o === 'string') return [o]
  if (Array.isArray(o)) return o.flatMap(leaves)
  if (typeof o === 'object' && o) return Object.values(o).flatMap(leaves)
  return []
}

describe('locales', () => {
  it('English has exactly the Chinese keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
  it('no Chinese message is empty or an English placeholder', () => {
    for (const s of leaves(zh)) {
      expect(s.trim()).not.toBe('')
      expect(s).not.toMatch(/TODO|placeholder|lorem/i)
    }
  })
})
