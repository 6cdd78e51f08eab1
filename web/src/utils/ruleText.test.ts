import { describe, expect, it } from 'vitest'
import { marksFor, parseFlat, printFlat } from './ruleText'

const types: Record<string, string> = { 注册地: 'enum', 研发费用: 'money', 资质: 'set', 纳税信用等级: 'enum', 严重失信: 'bool', 成立日期: 'date', 从业人数: 'int' }
const typeOf = (a: string) => types[a]

describe('flat rules round-trip through the builder', () => {
  const cases = [
    '注册地 == "宝安区" and 研发费用[上年度] >= 100万',
    '"高新技术企业" in 资质 or "科技型中小企业" in 资质',
    '纳税信用等级 in ["A", "B"]',
    'not 严重失信',
    '从业人数 between 10 and 300 and 研发费用[2024] > 0',
    '成立日期 >= date("2019-01-01")',
    'not "国家级专精特新小巨人" in 资质',
  ]
  for (const c of cases) {
    it(c, () => {
      const f = parseFlat(c)
      expect(f).not.toBeNull()
      expect(printFlat(f!, typeOf)).toBe(c)
    })
  }
  it('leaves brackets, arithmetic and mixed and/or to the text editor', () => {
    expect(parseFlat('研发费用[上年度] / 营业收入[上年度] >= 3%')).toBeNull()
    expect(parseFlat('a == 1 and b == 2 or c == 3')).toBeNull()
    expect(parseFlat('(a == 1)')).toBeNull()
  })
  it('reads && and Chinese quotes', () => {
    expect(parseFlat('注册地 == “宝安区” && not 严重失信')?.clauses.map((c) => c.op)).toEqual(['==', 'isFalse'])
  })
})

describe('marksFor', () => {
  it('turns line/column/length (code points) into ranges', () => {
    const text = '研发费用[上年度] >= 100万 and 资质x == 1'
    expect(marksFor(text, [{ line: 1, column: 23, length: 3 }])).toEqual([{ line: 1, from: 22, to: 25, index: 0 }])
  })
  it('marks at least one character at the end of a line', () => {
    expect(marksFor('a ==', [{ line: 1, column: 5, length: 0 }])).toEqual([{ line: 1, from: 4, to: 5, index: 0 }])
  })
})
