// 4. The dashboard and the map render with data.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, login, chartsRendered, SIZES } from '../lib/browser.mjs'
import { BASE, byRole } from '../lib/env.mjs'

test('dashboard and map render with data', async () => {
  const leader = byRole('leader')
  const { browser, close } = await launch()
  try {
    for (const [name, size] of [['1366', SIZES.small], ['1920', SIZES.large]]) {
      const { page, problems } = await newPage(browser, size)
      await login(page, BASE, leader.username, leader.password)
      await page.goto(`${BASE}/console/dashboard`)
      await page.locator('[data-test="kpis"]').waitFor({ timeout: 30000 })
      const policies = await page.locator('[data-test="kpi-policies"] .zd-kpi-value').innerText()
      assert.ok(Number(policies.replace(/,/g, '')) > 0, 'policy items counted')
      await chartsRendered(page, 3)
      await shot(page, `4-dashboard-${name}`)

      await page.goto(`${BASE}/console/map`)
      await chartsRendered(page, 1)
      await page.locator('[data-test="street-table"] .el-table__row').first().waitFor({ timeout: 30000 })
      assert.equal(await page.locator('[data-test="street-table"] .el-table__row').count(), 10, 'ten streets')
      assert.match(await page.locator('[data-test="approx-note"]').innerText(), /近似/)
      await shot(page, `4-map-${name}`)
      // Click-through: a street row lists its firms.
      await page.locator('[data-test="street-table"] .el-table__row').first().click()
      await page.waitForURL('**/console/enterprises?street=*')
      await page.locator('[data-test="enterprise-table"] .el-table__row').first().waitFor({ timeout: 30000 })
      await shot(page, `4-map-click-through-${name}`)
      assert.deepEqual(problems, [], 'no console errors')
    }
  } finally {
    await close()
  }
})
