// 1. A firm logs in, sees its matches, opens a why-not, applies to a policy it
//    fully meets, is approved instantly, sees the timeline and the message.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, login, SIZES } from '../lib/browser.mjs'
import { BASE, byScenario, INSTANT_POLICY } from '../lib/env.mjs'

test('firm: matches, why-not, apply, 秒批, timeline, message', async () => {
  const firm = byScenario('instant')
  const { browser, close } = await launch()
  try {
    const { page, problems } = await newPage(browser, SIZES.small)
    await login(page, BASE, firm.username, firm.password)
    assert.match(new URL(page.url()).pathname, /^\/portal/)

    // Home: 符合 / 可能符合 with amounts; the instant policy is there.
    const card = page.locator(`[data-test="eligible-list"] [data-policy="${INSTANT_POLICY}"]`)
    await card.waitFor({ timeout: 30000 })
    assert.equal(await card.getAttribute('data-verdict'), 'match')
    assert.match(await card.locator('[data-test="award"]').innerText(), /万元|元/)
    await shot(page, '1-firm-01-home-1366')

    // Why-not on a policy it does not meet.
    await page.click('[data-test="toggle-no"]')
    const noCard = page.locator('[data-test="no-list"] [data-verdict="no"]').first()
    await noCard.locator('[data-test^="explain-"]').click()
    const explain = noCard.locator('[data-test="explain"]')
    await explain.waitFor()
    assert.ok(await explain.locator('[data-group="false"]').count() > 0, 'why-not lists the failed conditions')
    await noCard.evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, '1-firm-02-why-not-1366')

    // Apply: prefilled; only what data cannot verify; submit → 秒批.
    await card.locator(`[data-test="apply-${INSTANT_POLICY}"]`).click()
    await page.waitForURL(`**/portal/apply/${INSTANT_POLICY}`)
    await page.locator('[data-test="step-0"] .el-table__row').first().waitFor()
    await shot(page, '1-firm-03-apply-prefilled-1366')
    for (let step = 0; step < 3; step++) {
      const commits = page.locator(`[data-test="step-${step}"] [data-test^="commit-"]`)
      for (let i = 0; i < (await commits.count()); i++) if (await commits.nth(i).isVisible()) await commits.nth(i).click()
      const declares = page.locator(`[data-test="step-${step}"] [data-test^="declare-"]`)
      for (let i = 0; i < (await declares.count()); i++) if (await declares.nth(i).isVisible()) await declares.nth(i).click()
      await page.click('[data-test="next"]')
    }
    await shot(page, '1-firm-04-apply-confirm-1366')
    await page.click('[data-test="submit"]')
    await page.locator('[data-test="result-approved"]').waitFor({ timeout: 30000 })
    await shot(page, '1-firm-05-instant-approved-1366')

    // Timeline of the application.
    await page.click('[data-test="view-application"]')
    await page.locator('[data-test="timeline"] .el-timeline-item').first().waitFor()
    await shot(page, '1-firm-06-timeline-1366')

    // The message about it.
    await page.click('[data-menu="portal-messages"]')
    const msgs = page.locator('[data-test="messages"] li')
    for (let i = 0; i < 20 && (await msgs.count()) === 0; i++) {
      await page.waitForTimeout(1000)
      await page.reload()
    }
    await msgs.first().waitFor({ timeout: 20000 })
    assert.match(await page.locator('[data-test="messages"]').innerText(), /企业研发投入资助/)
    await shot(page, '1-firm-07-messages-1366')

    // Its own portrait: every fact with its source; report a wrong one.
    await page.click('[data-menu="portal-portrait"]')
    await page.locator('[data-test="facts"] .el-table__row').first().waitFor({ timeout: 30000 })
    await page.click('[data-test="report-从业人数"]')
    await page.fill('[data-test="report-expected"]', '188')
    await page.fill('[data-test="report-note"]', '年末从业人数以社保缴纳名册为准')
    await page.click('[data-test="report-send"]')
    await page.locator('.el-message--success').first().waitFor({ timeout: 15000 })
    await shot(page, '1-firm-08-portrait-report-1366')

    // The same home at 1920×1080.
    const big = await newPage(browser, SIZES.large)
    await login(big.page, BASE, firm.username, firm.password)
    await big.page.locator('[data-test="eligible-list"]').waitFor({ timeout: 30000 })
    await shot(big.page, '1-firm-09-home-1920')
    assert.deepEqual([...problems, ...big.problems], [], 'no console errors')
  } finally {
    await close()
  }
})
