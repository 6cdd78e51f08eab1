// 5. The login page of `zhida demo` lists the demo accounts; a firm's name is
//    in the portal header; every list's Excel export downloads the server's
//    .xlsx; the map shades streets by their firms (stats by street).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, chartsRendered, login, SIZES } from '../lib/browser.mjs'
import { BASE, byRole, byScenario } from '../lib/env.mjs'

// Clicks the page's export button and returns the download's file name and first bytes.
async function exportFrom(page) {
  const button = page.locator('[data-test="export"]').first()
  await button.waitFor({ timeout: 30000 })
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), button.click()])
  const stream = await download.createReadStream()
  const chunks = []
  for await (const c of stream) chunks.push(c)
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) }
}

test('demo login hint, firm name, server exports, map by firms', async () => {
  const firm = byScenario('instant')
  const { browser, close } = await launch()
  try {
    for (const [name, size] of [['1366', SIZES.small], ['1920', SIZES.large]]) {
      const { page, problems } = await newPage(browser, size)
      await page.goto(`${BASE}/login`)
      const hint = page.locator('[data-test="demo-hint"]')
      await hint.waitFor({ timeout: 20000 })
      assert.match(await hint.innerText(), /Demo@2025/)
      await page.locator('[data-test="demo-accounts"]').click()
      await page.locator('.zd-demo-popper .el-select-dropdown__item').first().waitFor()
      await shot(page, `5-login-demo-accounts-${name}`)
      await page.locator('.zd-demo-popper .el-select-dropdown__item', { hasText: firm.username }).first().click()
      assert.equal(await page.inputValue('input[name="username"]'), firm.username)
      assert.equal(await page.inputValue('input[name="password"]'), firm.password)
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20000 }), page.click('[data-test="login-submit"]')])
      // The firm's name, from the server, in the header.
      const firmName = page.locator('[data-test="firm-name"]')
      await firmName.waitFor({ timeout: 20000 })
      assert.ok(firm.display_name.includes(await firmName.innerText()), 'the header shows the firm of the account')
      await page.goto(`${BASE}/portal/applications`)
      await page.waitForLoadState('networkidle')
      const mine = await exportFrom(page)
      assert.equal(mine.bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx (zip) came from the server')
      assert.match(mine.name, /\.xlsx$/)
      await page.goto(`${BASE}/portal/policies`)
      assert.equal((await exportFrom(page)).bytes.subarray(0, 2).toString(), 'PK')
      await shot(page, `5-portal-policies-header-${name}`)
      assert.deepEqual(problems, [], 'no console errors (firm)')
    }

    // Staff lists.
    const { page, problems } = await newPage(browser, SIZES.small)
    const officer = byRole('policy_officer')
    await login(page, BASE, officer.username, officer.password)
    for (const [path, table] of [['/console/enterprises', 'enterprise-table'], ['/console/policies', 'policy-table'], ['/console/catalog', null]]) {
      await page.goto(BASE + path)
      if (table) await page.locator(`[data-test="${table}"] .el-table__row`).first().waitFor({ timeout: 30000 })
      const x = await exportFrom(page)
      assert.equal(x.bytes.subarray(0, 2).toString(), 'PK', `${path}: the server's export`)
    }
    const reviewer = byRole('reviewer')
    const r = await newPage(browser, SIZES.large)
    await login(r.page, BASE, reviewer.username, reviewer.password)
    await r.page.goto(`${BASE}/console/reviews`)
    await r.page.locator('[data-test="review-table"]').waitFor({ timeout: 30000 })
    assert.equal((await exportFrom(r.page)).bytes.subarray(0, 2).toString(), 'PK')
    assert.deepEqual([...problems, ...r.problems], [], 'no console errors (staff)')

    // The map: every street has its firms counted by the server.
    const leader = byRole('leader')
    const m = await newPage(browser, SIZES.small)
    await login(m.page, BASE, leader.username, leader.password)
    await m.page.goto(`${BASE}/console/map`)
    await chartsRendered(m.page, 1)
    const rows = m.page.locator('[data-test="street-table"] .el-table__row')
    await rows.first().waitFor({ timeout: 30000 })
    for (let i = 0; i < (await rows.count()); i++) {
      const firms = await rows.nth(i).locator('td').nth(1).innerText()
      assert.ok(Number(firms.replace(/,/g, '')) > 0, `street row ${i} has firms`)
    }
    assert.deepEqual(m.problems, [], 'no console errors (map)')
  } finally {
    await close()
  }
})
