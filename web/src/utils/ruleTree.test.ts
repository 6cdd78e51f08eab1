import { describe, expect, it } from 'vitest'
import { incomplete, literalNode, nodeOf, rowOf, sliceRange } from './ruleTree'
import type { RuleNode } from '@/api/types'

describe('rows and nodes', () => {
  it('reads a comparison with a period as a row and writes it back', () => {
    const n: RuleNode = { kind: 'compare', op: '>=', left: { kind: 'attr', name: '研发费用', period: '上年度' }, right: { kind: 'number', text: '100万', value: '1000000', unit: '万' } }
    const r = rowOf(n)!
    expect(r).toEqual({ attr: '研发费用', period: '上年度', op: '>=', value: '100万', value2: '' })
    expect(nodeOf(r, 'money')).toEqual({ kind: 'compare', op: '>=', left: { kind: 'attr', name: '研发费用', period: '上年度' }, right: { kind: 'number', text: '100万', value: '1000000', unit: '万' } })
  })
  it('handles set membership, lists and booleans', () => {
    expect(rowOf({ kind: 'in', left: { kind: 'string', value: '高新技术企业' }, right: { kind: 'attr', name: '资质' } })?.op).toBe('has')
    expect(rowOf({ kind: 'not', operand: { kind: 'attr', name: '严重失信' } })?.op).toBe('isFalse')
    const list = rowOf({ kind: 'in', left: { kind: 'attr', name: '纳税信用等级' }, right: { kind: 'list', items: [{ kind: 'string', value: 'A' }, { kind: 'string', value: 'B' }] } })!
    expect(list.value).toBe('A, B')
    expect(nodeOf(list, 'enum').right?.items).toEqual([{ kind: 'string', value: 'A' }, { kind: 'string', value: 'B' }])
  })
  it('leaves arithmetic to the text editor', () => {
    expect(rowOf({ kind: 'compare', op: '>=', left: { kind: 'arith', op: '/', left: { kind: 'attr', name: 'a' }, right: { kind: 'attr', name: 'b' } }, right: { kind: 'number', text: '3%' } })).toBeNull()
  })
  it('writes values by type', () => {
    expect(literalNode('2019-01-01', 'date')).toEqual({ kind: 'call', name: 'date', args: [{ kind: 'string', value: '2019-01-01' }] })
    expect(literalNode('宝安区', 'enum')).toEqual({ kind: 'string', value: '宝安区' })
    expect(literalNode('3%', 'number')).toMatchObject({ kind: 'number', text: '3%', value: '0.03' })
    expect(literalNode('-5', 'int')).toMatchObject({ kind: 'neg', operand: { kind: 'number', text: '5' } })
  })
  it('knows an unfinished row', () => {
    expect(incomplete({ kind: 'and', operands: [{ kind: 'attr', name: '' }] })).toBe(true)
    expect(incomplete({ kind: 'and', operands: [{ kind: 'attr', name: '规上工业' }] })).toBe(false)
  })
  it('slices the source of a node by its range', () => {
    expect(sliceRange('a and 研发费用 / 2 > 1', { kind: 'compare', range: { line: 1, column: 7, end_line: 1, end_column: 19 } })).toBe('研发费用 / 2 > 1')
  })
})
