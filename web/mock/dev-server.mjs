// DEVELOPMENT ONLY — a stand-in for the parts of the zhida API that are not
// built yet, so the UI can be developed and looked at. It is never used by
// `make test` or `zhida serve`; the browser tests run against the real server.
// Shapes follow the OpenAPI fragments where they exist and web/NEEDS.md where
// they do not. Matching, sandbox and rule checks call the real `zhida`
// command-line tool on a generated district (zhida gen-district).
//
//   node mock/dev-server.mjs --district /tmp/d2k --port 8090 [--zhida ../build/zhida]
import { createServer } from 'node:http'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, existsSync, statSync, mkdtempSync } from 'node:fs'
import { join, resolve, extname } from 'node:path'
import { tmpdir } from 'node:os'
import { randomBytes, createHash } from 'node:crypto'

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []))
const DIR = args.district ?? '/tmp/d2k'
const PORT = Number(args.port ?? 8090)
const ZHIDA = resolve(args.zhida ?? new URL('../../build/zhida', import.meta.url).pathname)
const DIST = new URL('../dist', import.meta.url).pathname
const TODAY = '2026-11-27'
const files = { csv: join(DIR, 'enterprises.csv'), policies: join(DIR, 'policies.json'), catalog: join(DIR, 'catalog.json') }
const policies = JSON.parse(readFileSync(files.policies, 'utf8')).map((p) => ({ ...p, version: 1, status: 'published', published_at: '2026-11-01T09:00:00+08:00' }))
const catalog = JSON.parse(readFileSync(files.catalog, 'utf8'))
const accounts = JSON.parse(readFileSync(join(DIR, 'accounts.json'), 'utf8')).accounts
const tmp = mkdtempSync(join(tmpdir(), 'zhida-mock-'))

// Enterprises: a light read of the CSV (id, name, street, industry, lon, lat).
const csv = readFileSync(files.csv, 'utf8').split('\n')
const header = csv[0].split(',')
const col = (n) => header.findIndex((h) => h.startsWith(n + ':') || h === n)
const C = { id: col('id'), name: col('企业名称'), street: col('街道'), ind: col('行业门类'), lon: col('经度'), lat: col('纬度'), code: col('统一社会信用代码'), size: col('企业规模') }
const firms = csv.slice(1).filter(Boolean).map((line) => {
  const c = line.split(',')
  return { id: +c[C.id], name: c[C.name], street: c[C.street], industry: c[C.ind], lon: +c[C.lon], lat: +c[C.lat], credit_code: c[C.code], size: c[C.size], raw: c }
})
const firmById = new Map(firms.map((f) => [f.id, f]))

const sessions = new Map()
const state = { apps: [], messages: [], nextApp: 1, nextMsg: 1, drafts: new Map() }
const json = (res, code, body, headers = {}) => { res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', ...headers }); res.end(JSON.stringify(body)) }
const err = (res, code, c, message, details) => json(res, code, { error: { code: c, message, ...(details ? { details } : {}) } })
const now = () => new Date().toISOString()

const strip = ({ version, status, published_at, has_draft, _match, ...rest }) => rest
function explain(eid, p) {
  const f = join(tmp, `p-${p.id}.json`)
  writeFileSync(f, JSON.stringify([strip(p)]))
  const out = JSON.parse(execFileSync(ZHIDA, ['explain', '--json', '--enterprises', files.csv, '--policies', f, '--catalog', files.catalog, '--enterprise', String(eid), '--policy', p.id, '--as-of', TODAY], { encoding: 'utf8' }))
  const verifiableConds = p.conditions.filter((c) => c.rule)
  const same = verifiableConds.length === out.conditions.length
  const conds = out.conditions.map((x, i) => ({ clause: same ? verifiableConds[i].clause : x.condition, rule: same ? verifiableConds[i].rule : x.condition, verifiable: true, material: '', result: x.result, evidence: x.evidence.map((e) => ({ text: e.text, result: e.result === '是' ? 'true' : e.result === '否' ? 'false' : 'unknown', ...(e.gap ? { gap: e.gap } : {}) })), missing: x.missing ?? [] }))
  for (const c of p.conditions.filter((c) => !c.rule)) conds.push({ clause: c.clause, rule: '', verifiable: false, material: c.material ?? '', result: 'review', evidence: [], missing: [] })
  const v = out.verdict === 'match' ? 'match' : out.verdict === 'possible' ? 'possible' : 'no'
  return { policy_id: p.id, policy_name: p.name, department: p.department, version: 1, verdict: v, award: v === 'no' ? null : out.award ?? null, award_text: '', needs_review: p.conditions.some((c) => c.verifiable === false), auto_grant: !!p.auto_grant, deadline: p.window?.end, missing: out.missing ?? [], conditions: conds }
}
const matchCache = new Map()
function matchesFor(eid) {
  if (!matchCache.has(eid)) matchCache.set(eid, policies.filter((p) => p.status !== 'closed').map((p) => explain(eid, p)))
  return matchCache.get(eid)
}

function sandbox(p) {
  const f = join(tmp, 'sandbox.json')
  const pol = { ...p, id: p.id || 'SANDBOX' }
  writeFileSync(f, JSON.stringify([pol]))
  try {
    execFileSync(ZHIDA, ['match', '--enterprises', files.csv, '--policies', f, '--catalog', files.catalog, '--as-of', TODAY, '--out', join(tmp, 'out.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    return { error: String(e.stderr || e.stdout || e.message) }
  }
  const r = JSON.parse(readFileSync(join(tmp, 'out.json'), 'utf8'))[0]
  const seed = r.id_sum
  const streets = ['新安', '西乡', '航城', '福永', '福海', '沙井', '新桥', '松岗', '燕罗', '石岩']
  const split = (n, k, s) => { const w = k.map((_, i) => ((s * (i + 7)) % 13) + 1); const tot = w.reduce((a, b) => a + b, 0); return w.map((x) => Math.round((n * x) / tot)) }
  const pub = policies.find((x) => x.id === p.id)
  const budget = p.budget ? String(parseAmount(p.budget)) : null
  const ms = split(r.match, streets, seed), ps = split(r.possible, streets, seed + 3)
  const inds = ['C', 'F', 'I', 'M', 'L', 'G', 'E']
  const mi = split(r.match, inds, seed + 1), pi = split(r.possible, inds, seed + 2)
  const pubMatch = pub ? (pub._match ??= (() => { writeFileSync(f, JSON.stringify([strip(pub)])); execFileSync(ZHIDA, ['match', '--enterprises', files.csv, '--policies', f, '--catalog', files.catalog, '--as-of', TODAY, '--out', join(tmp, 'out2.json')], { stdio: 'ignore' }); return JSON.parse(readFileSync(join(tmp, 'out2.json'), 'utf8'))[0].match })()) : 0
  const firmList = (n) => firms.slice(seed % 500, (seed % 500) + Math.min(Math.abs(n), 8)).map((x) => ({ enterprise_id: x.id, name: x.name, street: x.street, industry: x.industry, verdict: 'match', award: '100000' }))
  return { match: r.match, possible: r.possible, award_sum: String(r.award_sum), budget, over_budget: budget ? r.award_sum > +budget : false,
    by_street: streets.map((s, i) => ({ key: s, match: ms[i], possible: ps[i], award: '0' })), by_industry: inds.map((s, i) => ({ key: s, match: mi[i], possible: pi[i], award: '0' })),
    by_size: [{ key: '小型', match: Math.round(r.match * 0.6), possible: Math.round(r.possible * 0.6), award: '0' }, { key: '微型', match: Math.round(r.match * 0.25), possible: 0, award: '0' }, { key: '中型', match: Math.round(r.match * 0.15), possible: 0, award: '0' }],
    compared: !!pub, compared_version: pub ? 1 : undefined, gained: Math.max(0, r.match - pubMatch), lost: Math.max(0, pubMatch - r.match), gained_firms: firmList(Math.max(0, r.match - pubMatch)), lost_firms: firmList(Math.max(0, pubMatch - r.match)), elapsed_ms: 12.5 }
}
function parseAmount(s) { const m = /^([\d.]+)(亿|万)?$/.exec(String(s)); return m ? +m[1] * (m[2] === '亿' ? 1e8 : m[2] === '万' ? 1e4 : 1) : +s }

function checkRule(rule, kind, year) {
  const a = ['check-rule', '--json', '--catalog', files.catalog, '--reference-year', String(year || 2025)]
  if (kind === 'award') a.push('--award')
  try {
    return JSON.parse(execFileSync(ZHIDA, [...a, rule], { encoding: 'utf8' }))
  } catch (e) {
    try { return JSON.parse(e.stdout) } catch { return { ok: false, issues: [{ message: '检查失败' }] } }
  }
}

function facts(f) {
  return header.map((h, i) => {
    const [name, type] = h.split(':')
    const m = /^(.*)\[(\d{4})\]$/.exec(name)
    const attr = m ? m[1] : name
    const cat = catalog.attributes?.find?.((a) => a.name === attr) ?? {}
    let v = f.raw[i]
    const sens = cat.sensitivity === '敏感'
    return { attribute: name, name: attr, year: m ? +m[2] : null, display: v === '' ? undefined : undefined, value: v === '' ? null : sens ? v.slice(0, 3) + '****' + v.slice(-2) : v, masked: sens, source: cat.source ?? '市场监管局', as_of: '2026-10-31T00:00:00+08:00', type: type ?? cat.type, unit: cat.unit }
  }).filter((x) => x.attribute !== 'id')
}

function push(eid, kind, title, body, extra = {}) {
  state.messages.unshift({ id: state.nextMsg++, enterprise_id: eid, kind, title, body, created_at: now(), read: false, read_at: null, ...extra })
}

async function body(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const b = Buffer.concat(chunks)
  return b
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  const p = url.pathname
  if (!p.startsWith('/api/')) {
    let f = join(DIST, p)
    if (!existsSync(f) || statSync(f).isDirectory()) f = join(DIST, 'index.html')
    const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.json': 'application/json' }
    res.writeHead(200, { 'Content-Type': types[extname(f)] ?? 'application/octet-stream' })
    return res.end(readFileSync(f))
  }
  const sid = /zhida_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
  const s = sid ? sessions.get(sid) : null
  const raw = req.method === 'GET' ? Buffer.alloc(0) : await body(req)
  const j = () => { try { return JSON.parse(raw.toString('utf8') || '{}') } catch { return {} } }
  if (p === '/api/v1/auth/login' && req.method === 'POST') {
    const b = j()
    const a = accounts.find((x) => x.username === b.username && x.password === b.password)
    if (!a) return err(res, 401, 'auth.invalid', '账号或密码不正确')
    const id = randomBytes(12).toString('hex'), csrf = randomBytes(12).toString('hex')
    const user = { id: accounts.indexOf(a) + 1, username: a.username, display_name: a.display_name, role: a.role, enterprise_id: a.enterprise_id || null, department: a.department }
    sessions.set(id, { user, csrf })
    return json(res, 200, { csrf_token: csrf, user }, { 'Set-Cookie': `zhida_session=${id}; Path=/; HttpOnly; SameSite=Lax` })
  }
  if (!s) return err(res, 401, 'auth.required', '请先登录')
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) return err(res, 403, 'auth.csrf', '页面已过期，请刷新后重试')
  const u = s.user
  const ent = u.enterprise_id
  let m
  try {
    if (p === '/api/v1/auth/me') return json(res, 200, { csrf_token: s.csrf, user: u })
    if (p === '/api/v1/auth/logout') { sessions.delete(sid); return json(res, 200, {}) }
    if (p === '/api/v1/catalog') return json(res, 200, catalog)
    if (p === '/api/v1/policies' && req.method === 'GET') return json(res, 200, { items: policies.map((x) => ({ ...x, has_draft: state.drafts.has(x.id) })), total: policies.length })
    if (p === '/api/v1/policies' && req.method === 'POST') { const b = j(); state.drafts.set(b.id, b); return json(res, 200, b) }
    if ((m = /^\/api\/v1\/policies\/([^/]+)$/.exec(p))) {
      const id = decodeURIComponent(m[1]); const x = policies.find((q) => q.id === id)
      if (!x) return err(res, 404, 'not_found', '没有找到该政策')
      const staff = !ent
      return json(res, 200, { ...x, ...(staff ? { can_edit: u.role === 'policy_officer' && u.department === x.department, draft: state.drafts.get(id), draft_changed: state.drafts.has(id), draft_hash: 'a'.repeat(64) } : {}) })
    }
    if ((m = /^\/api\/v1\/policies\/([^/]+)\/draft$/.exec(p))) {
      const id = decodeURIComponent(m[1])
      if (req.method === 'PUT') {
        const b = j(); const issues = []
        b.conditions.forEach((c, i) => { if (c.rule) for (const x of checkRule(c.rule, 'condition', b.reference_year).issues ?? []) issues.push({ ...x, field: `conditions[${i}].rule` }) })
        if (issues.length) return err(res, 400, 'policy.invalid', `政策有 ${issues.length} 处错误`, issues)
        state.drafts.set(id, b); return json(res, 200, { ...policies.find((q) => q.id === id), draft: b, draft_changed: true, draft_hash: 'a'.repeat(64) })
      }
      return state.drafts.has(id) ? json(res, 200, state.drafts.get(id)) : err(res, 404, 'not_found', '没有草稿')
    }
    if ((m = /^\/api\/v1\/policies\/([^/]+)\/publish$/.exec(p))) {
      const id = decodeURIComponent(m[1]); const d = state.drafts.get(id); if (!d) return err(res, 404, 'not_found', '没有草稿')
      const i = policies.findIndex((q) => q.id === id); const v = i >= 0 ? policies[i].version + 1 : 1
      const np = { ...d, version: v, status: 'published', published_at: now() }; if (i >= 0) policies[i] = np; else policies.push(np)
      state.drafts.delete(id); matchCache.clear()
      let pushed = 0
      for (const a of accounts.filter((x) => x.role === 'enterprise_legal')) { if (explain(a.enterprise_id, np).verdict === 'match') { push(a.enterprise_id, 'policy.match', `您符合“${np.name}”`, `根据您的企业数据，您符合${np.name}（第 ${v} 版）的申报条件，可在线申报。`, { policy_id: id }); pushed++ } }
      return json(res, 200, { ...np, published: { version: v, hash: 'b'.repeat(64), published_at: np.published_at } })
    }
    if ((m = /^\/api\/v1\/policies\/([^/]+)\/matches$/.exec(p))) {
      const items = firms.slice(0, 50).map((f) => ({ enterprise_id: f.id, name: f.name, street: f.street, industry: f.industry, verdict: 'match', award: '100000' }))
      return json(res, 200, { items, total: 120, match: 100, possible: 20 })
    }
    if (p === '/api/v1/rules/compile') { const b = j(); return json(res, 200, checkRule(b.rule, b.kind, b.reference_year)) }
    if (p === '/api/v1/sandbox') {
      const b = j(); const pol = b.policy
      const issues = []
      pol.conditions.forEach((c, i) => { if (c.rule) for (const x of checkRule(c.rule, 'condition', pol.reference_year).issues ?? []) issues.push({ ...x, field: `${pol.id}.conditions[${i}].rule` }) })
      if (pol.award) for (const x of checkRule(pol.award, 'award', pol.reference_year).issues ?? []) issues.push({ ...x, field: `${pol.id}.award` })
      if (issues.length) return err(res, 400, 'policy.invalid', '政策有错误，无法推演', issues)
      const r = sandbox(pol); return r.error ? err(res, 400, 'policy.invalid', r.error) : json(res, 200, r)
    }
    if ((m = /^\/api\/v1\/enterprises\/(\d+)\/matches$/.exec(p))) {
      const items = matchesFor(+m[1]); const ok = items.filter((x) => x.verdict === 'match')
      return json(res, 200, { enterprise_id: +m[1], items, match: ok.length, possible: items.filter((x) => x.verdict === 'possible').length, award_total: String(ok.reduce((a, x) => a + Number(x.award ?? 0), 0)) })
    }
    if ((m = /^\/api\/v1\/enterprises\/(\d+)\/matches\/([^/]+)$/.exec(p))) { const x = matchesFor(+m[1]).find((q) => q.policy_id === decodeURIComponent(m[2])); return x ? json(res, 200, x) : err(res, 404, 'not_found', '没有找到该政策') }
    if ((m = /^\/api\/v1\/enterprises\/(\d+)$/.exec(p))) { const f = firmById.get(+m[1]); return f ? json(res, 200, { enterprise_id: f.id, name: f.name, uscc: f.credit_code, street: f.street, industry: f.industry, as_of: '2026-10-31', tags_held: ['高新技术企业', '规上工业企业'], facts: facts(f) }) : err(res, 404, 'not_found', '没有找到该企业') }
    if ((m = /^\/api\/v1\/enterprises\/(\d+)\/history$/.exec(p))) return json(res, 200, { items: [{ attribute: url.searchParams.get('attribute'), period: 2024, value: '1', source: '税务局', as_of: '2026-06-30T00:00:00+08:00' }] })
    if ((m = /^\/api\/v1\/enterprises\/(\d+)\/fact-reports$/.exec(p))) return json(res, 200, { id: 1 })
    if (p === '/api/v1/enterprises') {
      const q = url.searchParams.get('q') ?? '', st = url.searchParams.get('street') ?? '', off = +(url.searchParams.get('offset') ?? 0)
      const r = firms.filter((f) => (!q || f.name.includes(q) || f.credit_code.includes(q)) && (!st || f.street === st || f.street === st + '街道'))
      const lim = +(url.searchParams.get('limit') ?? 20)
      return json(res, 200, { items: r.slice(off, off + lim).map(({ raw, credit_code, lon, lat, ...f }) => ({ ...f, uscc: credit_code })), total: r.length })
    }
    if (p === '/api/v1/materials') return json(res, 200, { id: state.nextApp * 100 + raw.length, sha256: createHash('sha256').update(raw).digest('hex'), size: raw.length, file_name: url.searchParams.get('filename') })
    if (p === '/api/v1/applications/form') {
      const pol = policies.find((x) => x.id === url.searchParams.get('policy_id')); if (!pol) return err(res, 404, 'policy.not_found', '没有找到该政策')
      const mt = explain(+url.searchParams.get('enterprise_id'), pol)
      const conditions = mt.conditions.map((c, index) => ({ index, clause: c.clause, rule: c.rule, verifiable: c.verifiable, material: c.material, evidence: c.evidence.map((e) => e.text), missing: c.missing, ask: c.verifiable && c.result === 'true' ? 'none' : c.verifiable && c.missing.length ? 'value' : 'commitment_or_material' }))
      const ex = state.apps.find((a) => a.enterprise_id === mt.enterprise_id && a.policy_id === pol.id)
      return json(res, 200, { enterprise_id: +url.searchParams.get('enterprise_id'), policy_id: pol.id, policy_name: pol.name, policy_version: pol.version, window: pol.window, window_open: true, auto_grant: !!pol.auto_grant, verdict: mt.verdict, conditions, materials: pol.materials ?? [], estimate: mt.award, instant: mt.verdict === 'match' && !mt.needs_review, facts: [{ attribute: '研发费用[2024]', value: '2599375', source: '税务局', as_of: '2026-06-30' }], existing: ex ? { id: ex.id, status: ex.status } : null })
    }
    const ev = (action, from, to, who, detail) => ({ action, from, to, to_zh: { approved: '已批准', submitted: '待审核', in_review: '审核中', returned: '退回补正', rejected: '未通过', draft: '草稿' }[to] ?? to, actor: { id: who ? 1 : 0, name: who ?? '', role: '' }, detail: detail ?? null, at: now() })
    const checklistOf = (mt, b) => [
      ...mt.conditions.filter((c) => c.result === 'true' && c.verifiable).map((c, i) => ({ key: `condition:${i}`, kind: 'condition', title: c.clause, evidence: c.evidence.map((e) => e.text), automatic: true, verdict: 'pass' })),
      ...mt.conditions.map((c, i) => ({ c, i })).filter(({ c }) => !(c.result === 'true' && c.verifiable)).map(({ c, i }) => ({ key: `condition:${i}`, kind: 'condition', title: c.clause, detail: c.material ? `需提供：${c.material}` : '', evidence: c.evidence.map((e) => e.text), provided: (b.declarations ?? []).filter((d) => d.condition === i).map((d) => (d.commitment ? '告知承诺' : `${d.attribute} = ${d.value}`)), automatic: false, verdict: 'pending' })),
      ...(b.materials ?? []).filter((m) => m.condition === undefined).map((m) => ({ key: `material:${m.name}`, kind: 'material', title: m.name, provided: [m.commitment ? '告知承诺' : '已上传'], automatic: false, verdict: 'pending' })),
    ]
    if (p === '/api/v1/applications' && req.method === 'POST') {
      const b = j(); const pol = policies.find((x) => x.id === b.policy_id); const mt = explain(b.enterprise_id, pol)
      const instant = mt.verdict === 'match' && pol.conditions.every((c) => c.verifiable !== false)
      const status = b.submit === false ? 'draft' : instant ? 'approved' : 'submitted'
      const a = { id: state.nextApp++, policy_id: pol.id, policy_name: pol.name, policy_version: pol.version, enterprise_id: b.enterprise_id, enterprise_name: firmById.get(b.enterprise_id)?.name, status, status_zh: ev('', '', status).to_zh, award: instant ? mt.award : null, estimate: mt.award, declarations: b.declarations, materials: b.materials, created_at: now(), submitted_at: now(), assignee: null, due_on: '2026-12-07', overdue: false,
        decision: b.submit === false ? null : { id: 1, kind: 'submission', outcome: instant ? 'approved' : 'review', instant, award: instant ? mt.award : null, hash: createHash('sha256').update(JSON.stringify(mt)).digest('hex'), reasons: [], decided_at: now() },
        checklist: instant ? [] : checklistOf(mt, b), reasons: [],
        timeline: [ev('submit', 'draft', status, u.display_name)] }
      state.apps.unshift(a)
      if (b.submit !== false) push(a.enterprise_id, instant ? 'application.approved' : 'application.submitted', instant ? `“${pol.name}”申报已秒批通过` : `“${pol.name}”申报已提交`, instant ? `核定金额 ${a.award} 元，进入公示。` : '等待审核。', { application_id: a.id })
      return json(res, 200, { id: a.id, status: a.status, decision: a.decision })
    }
    if (p === '/api/v1/applications' || p === '/api/v1/review/queue') {
      let r = state.apps
      if (ent) r = r.filter((a) => a.enterprise_id === ent)
      if (p === '/api/v1/review/queue') r = r.filter((a) => ['submitted', 'in_review'].includes(a.status))
      return json(res, 200, { items: r, total: r.length })
    }
    if ((m = /^\/api\/v1\/(?:review\/)?applications\/(\d+)(?:\/(\w+))?$/.exec(p))) {
      const a = state.apps.find((x) => x.id === +m[1]); if (!a) return err(res, 404, 'application.not_found', '没有找到该申报')
      const act = m[2], b = j()
      const applyVerdicts = () => { for (const v of b.items ?? []) { const it = a.checklist.find((i) => i.key === v.key); if (it) Object.assign(it, { verdict: v.verdict, by_name: u.display_name, at: now() }) } }
      const move = (to, action, detail) => { a.timeline.push(ev(action, a.status, to, u.display_name, detail)); a.status = to; a.status_zh = ev('', '', to).to_zh }
      if (act === 'return') { if (!b.reasons?.length) return err(res, 400, 'review.reasons_required', '请写明退回原因'); applyVerdicts(); a.reasons = b.reasons; move('returned', 'return', { reasons: b.reasons }); push(a.enterprise_id, 'application.returned', `“${a.policy_name}”申报被退回补正`, b.reasons.join('；'), { application_id: a.id }) }
      if (act === 'approve') { applyVerdicts(); if (a.checklist.some((i) => !i.automatic && i.verdict !== 'pass')) return err(res, 409, 'review.cannot_approve', '审核清单还有未通过的项'); a.award = a.estimate; move('approved', 'approve', { note: b.note }); push(a.enterprise_id, 'application.approved', `“${a.policy_name}”申报已批准`, '进入公示。', { application_id: a.id }) }
      if (act === 'reject') { applyVerdicts(); a.reasons = b.reasons; move('rejected', 'reject', { reasons: b.reasons }) }
      if (act === 'assign') { a.assignee = { id: 1, name: u.display_name }; move('in_review', 'assign') }
      if (act === 'checklist') applyVerdicts()
      if (!act && req.method === 'PUT') { a.declarations = b.declarations; a.materials = b.materials; if (b.submit) { move('submitted', 'resubmit'); a.reasons = [] } }
      if (act || req.method === 'PUT') return json(res, 200, { id: a.id, status: a.status, decision: a.decision })
      return json(res, 200, a)
    }
    if (p === '/api/v1/messages') { const r = state.messages.filter((x) => !ent || x.enterprise_id === ent); const unread = r.filter((x) => !x.read).length; const list = url.searchParams.get('unread') === 'true' ? r.filter((x) => !x.read) : r; return json(res, 200, { items: list, total: list.length, unread }) }
    if ((m = /^\/api\/v1\/messages\/(\d+)\/read$/.exec(p))) { const x = state.messages.find((q) => q.id === +m[1]); if (x) { x.read = true; x.read_at = now() } return json(res, 200, {}) }
    if (p === '/api/v1/messages/read-all') { state.messages.filter((x) => !ent || x.enterprise_id === ent).forEach((x) => { x.read = true; x.read_at = now() }); return json(res, 200, {}) }
    if (p === '/api/v1/stats') {
      const fig = (k) => ({ policy_items: policies.length, applications: 1800 + k * 37, approved: 1200 + k * 20, approved_amount: String(3.1e8 + k * 9e6), instant_approved: 800, instant_amount: String(2.1e8), instant_rate_count: 0.66, instant_rate_money: 0.68, paid_amount: String(2.6e8 + k * 5e6), firms_benefited: 611 + k, pushes_sent: 8041 + k })
      const by = url.searchParams.get('by')
      const keys = by === 'street' ? ['新安', '西乡', '航城', '福永', '福海', '沙井', '新桥', '松岗', '燕罗', '石岩'] : by === 'department' ? ['科技创新局', '工业和信息化局', '商务局', '金融监管局', '人力资源局', '投资推广署', '市场监管局'] : by === 'month' ? ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'] : []
      return json(res, 200, { from: '2025-11-01', to: TODAY, by, total: fig(0), groups: keys.map((k, i) => ({ key: k, ...fig(i), applications: 100 + i * 23, approved_amount: String(1e7 + i * 3.3e6) })) })
    }
    if (p === '/api/v1/funds/publicity' && req.method === 'GET') { const r = state.apps.filter((a) => a.status === 'approved'); return json(res, 200, { items: r.length ? [{ id: 1, policy_id: r[0].policy_id, policy_name: r[0].policy_name, year: 2025, title: `${r[0].policy_name}拟资助名单`, start_on: TODAY, end_on: '2026-12-04', days: 5, status: 'open', entries: r.length, amount: String(r.reduce((x, a) => x + Number(a.award ?? 0), 0)), open_objections: 0 }] : [], total: r.length ? 1 : 0 }) }
    if (p === '/api/v1/funds/publicity/1') { const r = state.apps.filter((a) => a.status === 'approved'); return json(res, 200, { id: 1, policy_id: r[0]?.policy_id, policy_name: r[0]?.policy_name, start_on: TODAY, end_on: '2026-12-04', status: 'open', items: r.map((a) => ({ application_id: a.id, enterprise_id: a.enterprise_id, enterprise_name: a.enterprise_name, amount: a.award, status: 'listed' })), objections: [] }) }
    if (p === '/api/v1/funds/batches') return json(res, 200, { items: [{ id: 1, policy_id: 'BA-2025-025', policy_name: '企业研发投入资助', year: 2025, name: '2025 年第 1 批', status: 'draft', budget_mode: 'pro_rata', budget: '500000000', available: '480000000', requested: '12000000', allocated: '12000000', items: 46, created_at: now() }], total: 1 })
    return err(res, 404, 'not_found', '接口不存在')
  } catch (e) {
    console.error(e)
    return err(res, 500, 'internal', '服务器内部错误')
  }
}).listen(PORT, '127.0.0.1', () => console.log(`mock zhida (development only) on http://127.0.0.1:${PORT}`))
