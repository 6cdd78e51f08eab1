import { describe, expect, it } from 'vitest'
import { buildXlsx, crc32 } from './xlsx'

describe('xlsx', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
  it('packs a workbook as a ZIP with the sheet and Chinese text', () => {
    const bytes = buildXlsx('企业', [{ title: '名称', value: (r: { n: string; v: number }) => r.n }, { title: '金额', value: (r) => r.v }], [{ n: '深圳市<安宝>电子', v: 1.5 }])
    expect(bytes[0]).toBe(0x50)
    expect(bytes[1]).toBe(0x4b)
    const text = new TextDecoder().decode(bytes)
    expect(text).toContain('xl/worksheets/sheet1.xml')
    expect(text).toContain('深圳市&lt;安宝&gt;电子')
    expect(text).toContain('<v>1.5</v>')
  })
})
