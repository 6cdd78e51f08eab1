// 规则 (RULES.md): live compile with positioned issues, the vocabulary, and
// parse/print for the condition builder.
import { get, post } from './http'
import type { CompileResult, RuleNode, Vocabulary } from './types'

export type RuleKind = 'condition' | 'award'

export const compileRule = (rule: string, kind: RuleKind = 'condition', referenceYear?: number) =>
  post<CompileResult>('/rules/compile', { rule, kind, reference_year: referenceYear })
export const vocabulary = () => get<Vocabulary>('/rules/vocabulary')
export const parseRule = (rule: string, kind: RuleKind = 'condition', referenceYear?: number) =>
  post<{ ok: boolean; tree: RuleNode | null; normalized?: string | null; issues?: CompileResult['issues'] }>('/rules/parse', { rule, kind, reference_year: referenceYear })
export const printRule = (tree: RuleNode, kind: RuleKind = 'condition', referenceYear?: number) =>
  post<{ rule: string; ok: boolean; tree?: RuleNode; issues?: CompileResult['issues'] }>('/rules/print', { tree, kind, reference_year: referenceYear })
