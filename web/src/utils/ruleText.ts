// The condition builder's view of a rule: a flat list of comparisons joined
// by one of and / or (RULES.md). Rules outside that shape (brackets,
// functions, mixed and/or, arithmetic) return null and are edited as text.
// The server's compiler stays the judge of what is valid; this only moves
// text to rows and back without changing its meaning.

export type Op = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'has' | 'notHas' | 'between' | 'isTrue' | 'isFalse'
export const OPS: Op[] = ['==', '!=', '>', '>=', '<', '<=', 'in', 'has', 'notHas', 'between', 'isTrue', 'isFalse']

export interface Clause {
  attr: string
  period: string // '' | 上年度 | 前年度 | 本年度 | 2024
  op: Op
  value: string // as the user sees it: 100万, 宝安区, A, B (for in), 2019-01-01
  value2: string // between's upper bound
}
export interface FlatRule {
  join: 'and' | 'or'
  clauses: Clause[]
}

type TokKind = 'ident' | 'string' | 'number' | 'op' | 'punct' | 'kw'
interface Tok {
  kind: TokKind
  text: string
  value: string
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'true', 'false', 'null'])

export function tokenize(src: string): Tok[] | null {
  const toks: Tok[] = []
  let i = 0
  const isIdStart = (c: string) => /[\p{L}_]/u.test(c)
  const isId = (c: string) => /[\p{L}\p{N}_]/u.test(c)
  while (i < src.length) {
    const c = src[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue }
    if (c === '"' || c === '“') {
      const close = c === '"' ? '"' : '”'
      const j = src.indexOf(close, i + 1)
      if (j < 0) return null
      toks.push({ kind: 'string', text: src.slice(i, j + 1), value: src.slice(i + 1, j) })
      i = j + 1
      continue
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?(?:万|亿|%)?/.exec(src.slice(i))!
      toks.push({ kind: 'number', text: m[0], value: m[0] })
      i += m[0].length
      continue
    }
    const two = src.slice(i, i + 2)
    if (['==', '!=', '>=', '<=', '&&', '||'].includes(two)) {
      const v = two === '&&' ? 'and' : two === '||' ? 'or' : two
      toks.push({ kind: two === '&&' || two === '||' ? 'kw' : 'op', text: two, value: v })
      i += 2
      continue
    }
    if (c === '>' || c === '<') { toks.push({ kind: 'op', text: c, value: c }); i++; continue }
    if (c === '!') { toks.push({ kind: 'kw', text: c, value: 'not' }); i++; continue }
    if ('[](),+-*/'.includes(c)) { toks.push({ kind: 'punct', text: c, value: c }); i++; continue }
    if (isIdStart(c)) {
      let j = i + 1
      while (j < src.length && isId(src[j])) j++
      const w = src.slice(i, j)
      toks.push({ kind: KEYWORDS.has(w) ? 'kw' : 'ident', text: w, value: w })
      i = j
      continue
    }
    return null
  }
  return toks
}

// Splits at top-level and / or (the and of `between x and y` excluded).
function splitTop(toks: Tok[]): { parts: Tok[][]; joins: Set<string> } | null {
  const parts: Tok[][] = [[]]
  const joins = new Set<string>()
  let depth = 0
  let betweenPending = false
  for (const t of toks) {
    if (t.value === '[' || t.value === '(') depth++
    if (t.value === ']' || t.value === ')') depth--
    if (depth < 0) return null
    if (depth === 0 && t.kind === 'kw' && t.value === 'between') betweenPending = true
    if (depth === 0 && t.kind === 'kw' && (t.value === 'and' || t.value === 'or')) {
      if (t.value === 'and' && betweenPending) {
        betweenPending = false
        parts[parts.length - 1].push(t)
        continue
      }
      joins.add(t.value)
      parts.push([])
      continue
    }
    parts[parts.length - 1].push(t)
  }
  if (depth !== 0) return null
  return { parts, joins }
}

function scalar(t: Tok | undefined): string | null {
  if (!t) return null
  if (t.kind === 'string' || t.kind === 'number') return t.value
  if (t.kind === 'kw' && (t.value === 'true' || t.value === 'false')) return t.value
  return null
}

function parseClause(ts: Tok[]): Clause | null {
  let k = 0
  let negate = false
  if (ts[k]?.kind === 'kw' && ts[k].value === 'not') { negate = true; k++ }
  // "x" in 资质
  if (ts[k]?.kind === 'string' && ts[k + 1]?.value === 'in' && ts[k + 2]?.kind === 'ident' && ts.length === k + 3)
    return { attr: ts[k + 2].value, period: '', op: negate ? 'notHas' : 'has', value: ts[k].value, value2: '' }
  if (ts[k]?.kind !== 'ident') return null
  const attr = ts[k].value
  k++
  let period = ''
  if (ts[k]?.value === '[') {
    const p = ts[k + 1]
    if (!p || ts[k + 2]?.value !== ']' || !(p.kind === 'number' || p.kind === 'ident')) return null
    period = p.value
    k += 3
  }
  if (k === ts.length) return { attr, period, op: negate ? 'isFalse' : 'isTrue', value: '', value2: '' }
  if (negate) return null
  const t = ts[k]
  if (t.kind === 'op') {
    const rest = ts.slice(k + 1)
    let v: string | null = null
    if (rest.length === 1) v = scalar(rest[0])
    else if (rest.length === 4 && rest[0].value === 'date' && rest[1].value === '(' && rest[2].kind === 'string' && rest[3].value === ')') v = rest[2].value
    else if (rest.length === 2 && rest[0].value === '-' && rest[1].kind === 'number') v = '-' + rest[1].value
    if (v === null) return null
    return { attr, period, op: t.value as Op, value: v, value2: '' }
  }
  if (t.kind === 'kw' && t.value === 'in') {
    const rest = ts.slice(k + 1)
    if (rest[0]?.value !== '[' || rest.at(-1)?.value !== ']') return null
    const items: string[] = []
    for (let j = 1; j < rest.length - 1; j++) {
      if (j % 2 === 0) { if (rest[j].value !== ',') return null; continue }
      const v = scalar(rest[j])
      if (v === null) return null
      items.push(v)
    }
    return { attr, period, op: 'in', value: items.join(', '), value2: '' }
  }
  if (t.kind === 'kw' && t.value === 'between') {
    const rest = ts.slice(k + 1)
    if (rest.length !== 3 || rest[1].value !== 'and') return null
    const a = scalar(rest[0]), b = scalar(rest[2])
    if (a === null || b === null) return null
    return { attr, period, op: 'between', value: a, value2: b }
  }
  return null
}

export function parseFlat(rule: string): FlatRule | null {
  const toks = tokenize(rule)
  if (!toks) return null
  if (toks.length === 0) return { join: 'and', clauses: [] }
  const split = splitTop(toks)
  if (!split || split.joins.size > 1) return null
  const clauses: Clause[] = []
  for (const p of split.parts) {
    const c = parseClause(p)
    if (!c) return null
    clauses.push(c)
  }
  return { join: split.joins.has('or') ? 'or' : 'and', clauses }
}

// How a value is written depends on the attribute's type (catalog).
export type AttrType = 'int' | 'number' | 'money' | 'bool' | 'date' | 'enum' | 'string' | 'set' | string

const quote = (s: string) => `"${s.replace(/"/g, '')}"`
function literal(v: string, type: AttrType | undefined): string {
  const s = v.trim()
  if (type === 'date') return /^date\(/.test(s) ? s : `date(${quote(s)})`
  if (type === 'string' || type === 'enum' || type === 'set') return quote(s)
  if (type === 'bool') return s === 'false' || s === '否' ? 'false' : 'true'
  if (/^-?[0-9]+(\.[0-9]+)?(万|亿|%)?$/.test(s)) return s
  return quote(s)
}

export function printClause(c: Clause, typeOf: (attr: string) => AttrType | undefined): string {
  const lhs = c.period ? `${c.attr}[${c.period}]` : c.attr
  const ty = typeOf(c.attr)
  switch (c.op) {
    case 'isTrue':
      return lhs
    case 'isFalse':
      return `not ${lhs}`
    case 'has':
      return `${quote(c.value)} in ${c.attr}`
    case 'notHas':
      return `not ${quote(c.value)} in ${c.attr}`
    case 'in':
      return `${lhs} in [${c.value.split(/[,，、]/).map((x) => x.trim()).filter(Boolean).map((x) => literal(x, ty)).join(', ')}]`
    case 'between':
      return `${lhs} between ${literal(c.value, ty)} and ${literal(c.value2, ty)}`
    default:
      return `${lhs} ${c.op} ${literal(c.value, ty)}`
  }
}

export function printFlat(r: FlatRule, typeOf: (attr: string) => AttrType | undefined = () => undefined): string {
  return r.clauses.map((c) => printClause(c, typeOf)).join(r.join === 'or' ? ' or ' : ' and ')
}

// Marks for the editor's underline layer: per line, the [from, to) code-unit
// ranges that carry an issue. Columns are 1-based code points (== UTF-16 for CJK).
export interface Mark {
  line: number
  from: number
  to: number
  index: number
}
export function marksFor(text: string, issues: { line?: number; column?: number; length?: number }[]): Mark[] {
  const lines = text.split('\n')
  const out: Mark[] = []
  issues.forEach((is, index) => {
    if (!is.line || !is.column) return
    const l = lines[is.line - 1]
    if (l === undefined) return
    const cps = Array.from(l)
    const startCp = Math.min(is.column - 1, cps.length)
    const endCp = Math.min(startCp + Math.max(is.length ?? 1, 1), Math.max(cps.length, startCp + 1))
    const from = cps.slice(0, startCp).join('').length
    const to = from + cps.slice(startCp, endCp).join('').length
    out.push({ line: is.line, from, to: Math.max(to, from + 1), index })
  })
  return out
}
