// Helpers for the condition builder over the server's rule syntax tree
// (POST /rules/parse → RuleNode, POST /rules/print ← RuleNode).
import type { RuleNode } from '@/api/types'

export type LeafOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'has' | 'notHas' | 'between' | 'isTrue' | 'isFalse'

// A leaf the builder can edit as a row: attribute [period] op value(s).
export interface Row {
  attr: string
  period: string
  op: LeafOp
  value: string
  value2: string
}

const NUM = /^-?\d+(?:\.\d+)?(万|亿|%)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export function literalNode(s: string, type?: string): RuleNode {
  const v = s.trim()
  if (type === 'date' || (DATE.test(v) && type === undefined)) return { kind: 'call', name: 'date', args: [{ kind: 'string', value: v }] }
  if (type === 'bool') return { kind: 'bool', value: v === 'true' || v === '是' }
  if ((type === undefined || ['int', 'number', 'money'].includes(type)) && NUM.test(v)) {
    // Negative numbers are a neg node over a non-negative number.
    if (v.startsWith('-')) return { kind: 'neg', operand: literalNode(v.slice(1), type) }
    const m = NUM.exec(v)!
    const base = Number(v.replace(/[万亿%]$/, ''))
    const mul = m[1] === '亿' ? 1e8 : m[1] === '万' ? 1e4 : m[1] === '%' ? 0.01 : 1
    return { kind: 'number', text: v, value: String(+(base * mul).toPrecision(15)), unit: m[1] ?? '' }
  }
  return { kind: 'string', value: v }
}

export function literalText(n: RuleNode | undefined): string | null {
  if (!n) return null
  if (n.kind === 'number') return String(n.text ?? n.value ?? '')
  if (n.kind === 'neg' && n.operand?.kind === 'number') return '-' + String(n.operand.text ?? n.operand.value ?? '')
  if (n.kind === 'string') return String(n.value ?? '')
  if (n.kind === 'bool') return n.value ? 'true' : 'false'
  if (n.kind === 'call' && n.name === 'date' && n.args?.length === 1 && n.args[0].kind === 'string') return String(n.args[0].value)
  return null
}

const periodOf = (n: RuleNode) => (n.period === undefined || n.period === null ? '' : String(n.period))
const isAttr = (n: RuleNode | undefined): n is RuleNode => !!n && n.kind === 'attr'

// The row view of a leaf node, or null when the node is not a simple row.
export function rowOf(n: RuleNode): Row | null {
  if (n.kind === 'attr') return { attr: String(n.name), period: periodOf(n), op: 'isTrue', value: '', value2: '' }
  if (n.kind === 'not' && isAttr(n.operand)) return { attr: String(n.operand.name), period: periodOf(n.operand), op: 'isFalse', value: '', value2: '' }
  if (n.kind === 'not' && n.operand?.kind === 'in' && n.operand.left?.kind === 'string' && isAttr(n.operand.right))
    return { attr: String(n.operand.right.name), period: periodOf(n.operand.right), op: 'notHas', value: String(n.operand.left.value), value2: '' }
  if (n.kind === 'compare' && isAttr(n.left)) {
    const v = literalText(n.right)
    if (v !== null) return { attr: String(n.left.name), period: periodOf(n.left), op: n.op as LeafOp, value: v, value2: '' }
  }
  if (n.kind === 'in' && n.left?.kind === 'string' && isAttr(n.right)) return { attr: String(n.right.name), period: periodOf(n.right), op: 'has', value: String(n.left.value), value2: '' }
  if (n.kind === 'in' && isAttr(n.left) && n.right?.kind === 'list') {
    const vs = (n.right.items ?? []).map(literalText)
    if (vs.every((x) => x !== null)) return { attr: String(n.left.name), period: periodOf(n.left), op: 'in', value: vs.join(', '), value2: '' }
  }
  if (n.kind === 'between' && isAttr(n.value as RuleNode)) {
    const lo = literalText(n.low), hi = literalText(n.high)
    const a = n.value as RuleNode
    if (lo !== null && hi !== null) return { attr: String(a.name), period: periodOf(a), op: 'between', value: lo, value2: hi }
  }
  return null
}

// The node for a row (the attribute's catalog type decides how values are written).
export function nodeOf(r: Row, type?: string): RuleNode {
  const attr: RuleNode = { kind: 'attr', name: r.attr, ...(r.period ? { period: /^\d{4}$/.test(r.period) ? Number(r.period) : r.period } : {}) }
  switch (r.op) {
    case 'isTrue':
      return attr
    case 'isFalse':
      return { kind: 'not', operand: attr }
    case 'has':
      return { kind: 'in', left: { kind: 'string', value: r.value.trim() }, right: attr }
    case 'notHas':
      return { kind: 'not', operand: { kind: 'in', left: { kind: 'string', value: r.value.trim() }, right: attr } }
    case 'in':
      return { kind: 'in', left: attr, right: { kind: 'list', items: r.value.split(/[,，、]/).map((x) => x.trim()).filter(Boolean).map((x) => literalNode(x, type)) } }
    case 'between':
      return { kind: 'between', value: attr, low: literalNode(r.value, type), high: literalNode(r.value2, type) }
    default:
      return { kind: 'compare', op: r.op, left: attr, right: literalNode(r.value, type) }
  }
}

// The source text a node spans (for showing what the builder cannot edit).
export function sliceRange(text: string, n: RuleNode): string {
  const r = n.range
  if (!r) return ''
  const lines = text.split('\n')
  const cp = (l: string) => Array.from(l)
  if (r.line === r.end_line) return cp(lines[r.line - 1] ?? '').slice(r.column - 1, r.end_column - 1).join('')
  const out = [cp(lines[r.line - 1] ?? '').slice(r.column - 1).join('')]
  for (let i = r.line; i < r.end_line - 1; i++) out.push(lines[i])
  out.push(cp(lines[r.end_line - 1] ?? '').slice(0, r.end_column - 1).join(''))
  return out.join('\n')
}

// Does the tree still have rows without an attribute (not ready to print)?
export function incomplete(n: RuleNode): boolean {
  if (n.kind === 'attr') return !n.name
  return [n.left, n.right, n.operand, n.low, n.high, n.value as RuleNode | undefined, ...(n.operands ?? []), ...(n.items ?? []), ...(n.args ?? [])]
    .some((c) => !!c && typeof c === 'object' && 'kind' in c && incomplete(c as RuleNode))
}
