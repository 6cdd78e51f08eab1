// Screenshots of every page for a person to look at: node shots.mjs BASE_URL [prefix]
// (used during development; the specs take their own as they go).
import { launch, newPage, shot, login, SIZES } from './lib/browser.mjs'

const base = process.argv[2] ?? 'http://127.0.0.1:8090'
const prefix = process.argv[3] ?? 'dev'
const pw = process.env.ZHIDA_PASSWORD ?? 'Demo@2025'
const pages = JSON.parse(process.env.ZHIDA_SHOT_PAGES ?? 'null') ?? {
  'ent2.legal': ['/portal', '/portal/policies', '/portal/policies/BA-2025-025', '/portal/apply/BA-2025-019', '/portal/applications', '/portal/messages', '/portal/portrait'],
  'policy.kjj': ['/console/policies', '/console/policies/BA-2025-025/edit', '/console/policies/BA-2025-025/matches', '/console/policies/new', '/console/enterprises', '/console/enterprises/376', '/console/catalog'],
  'funds1': ['/console/publicity', '/console/disbursement'],
  'leader1': ['/console/dashboard', '/console/map'],
}
const { browser, close } = await launch()
try {
  for (const [sizeName, size] of Object.entries(SIZES)) {
    {
      const { page, context, problems } = await newPage(browser, size)
      await page.goto(`${base}/login`)
      await page.waitForTimeout(500)
      await shot(page, `${prefix}-login-${sizeName}`)
      await context.close()
    }
    for (const [user, urls] of Object.entries(pages)) {
      const { page, context, problems } = await newPage(browser, size)
      await login(page, base, user, pw)
      for (const u of urls) {
        await page.goto(base + u)
        await page.waitForLoadState('networkidle').catch(() => {})
        await page.waitForTimeout(1500)
        await shot(page, `${prefix}-${user}-${u.replace(/\//g, '_').replace(/^_/, '')}-${sizeName}`)
      }
      if (problems.length) console.log(user, sizeName, problems)
      await context.close()
    }
  }
} finally {
  await close()
}
console.log('done')
