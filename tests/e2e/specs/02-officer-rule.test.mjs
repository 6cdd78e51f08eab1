// 2. An officer edits a rule, sees the compile error at its place, fixes it,
//    sees the sandbox numbers change, publishes, and the newly matching firm
//    gets a message.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, login, SIZES } from '../lib/browser.mjs'
import { BASE, byRole, byScenario, INSTANT_POLICY } from '../lib/env.mjs'

test('officer: rule error underlined, fixed, sandbox changes, publish, push', async () => {
  const officer = byRole('policy_officer', '科技创新局')
  const nearMiss = byScenario('near_miss')
  const { browser, close } = await launch()
  try {
    const { page, problems } = await newPage(browser, SIZES.small)
    await login(page, BASE, officer.username, officer.password)
    await page.goto(`${BASE}/console/policies`)
    await page.locator(`[data-test="edit-${INSTANT_POLICY}"]`).waitFor({ timeout: 30000 })
    await shot(page, '2-officer-01-policies-1366')
    await page.click(`[data-test="edit-${INSTANT_POLICY}"]`)
    const matchValue = page.locator('[data-test="sandbox-match-value"]')
    await matchValue.waitFor({ timeout: 30000 })
    const before = await matchValue.innerText()
    await shot(page, '2-officer-02-editor-1366')

    // The condition on R&D spending.
    const editors = page.locator('.zd-rule-editor textarea')
    let target = -1
    for (let i = 0; i < (await editors.count()); i++) if ((await editors.nth(i).inputValue()).includes('研发费用[上年度] >= 100万')) target = i
    assert.ok(target >= 0, 'the R&D condition is in the editor')
    const editor = editors.nth(target)
    const box = page.locator('.zd-rule-editor').nth(target)

    // A typo: the unknown attribute is underlined where it is.
    await editor.fill('研发费x[上年度] >= 100万')
    const mark = box.locator('[data-test="rule-error-mark"]')
    await mark.first().waitFor({ timeout: 15000 })
    assert.match((await mark.first().innerText()).trim(), /^研发费x/, 'the mark is on the unknown attribute')
    assert.match(await box.locator('[data-test="rule-issues"]').innerText(), /第 1 行第 1 列/)
    await box.scrollIntoViewIfNeeded()
    await shot(page, '2-officer-03-compile-error-1366')

    // Fixed, and a lower threshold: the sandbox follows.
    await editor.fill('研发费用[上年度] >= 80万')
    await box.locator('[data-test="rule-ok"]').waitFor({ timeout: 15000 })
    await page.waitForFunction((b) => {
      const el = document.querySelector('[data-test="sandbox-match-value"]')
      return el && el.textContent.trim() !== b && !document.querySelector('[data-test="sandbox-running"]')
    }, before, { timeout: 30000 })
    const after = await matchValue.innerText()
    assert.ok(Number(after.replace(/,/g, '')) > Number(before.replace(/,/g, '')), `more firms match (${before} → ${after})`)
    assert.ok(Number((await page.locator('[data-test="sandbox-gained"]').innerText()).replace(/,/g, '')) >= 1, 'firms gain eligibility')
    await shot(page, '2-officer-04-sandbox-changed-1366')

    // Publish.
    await page.click('[data-test="publish"]')
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message--success').first().waitFor({ timeout: 30000 })
    await shot(page, '2-officer-05-published-1366')

    // The firm that now matches is told.
    const firmPage = await newPage(browser, SIZES.small)
    await login(firmPage.page, BASE, nearMiss.username, nearMiss.password)
    await firmPage.page.goto(`${BASE}/portal/messages`)
    const list = firmPage.page.locator('[data-test="messages"]')
    let text = ''
    for (let i = 0; i < 30; i++) {
      text = (await list.count()) ? await list.innerText() : ''
      if (text.includes('企业研发投入资助')) break
      await firmPage.page.waitForTimeout(1000)
      await firmPage.page.reload()
    }
    assert.match(text, /企业研发投入资助/, 'the newly matching firm has a message')
    await shot(firmPage.page, '2-officer-06-firm-message-1366')
    const home = firmPage.page
    await home.goto(`${BASE}/portal`)
    await home.locator(`[data-test="eligible-list"] [data-policy="${INSTANT_POLICY}"]`).waitFor({ timeout: 30000 })
    await shot(home, '2-officer-07-firm-now-eligible-1366')

    // The editor at 1920×1080.
    const big = await newPage(browser, SIZES.large)
    await login(big.page, BASE, officer.username, officer.password)
    await big.page.goto(`${BASE}/console/policies/${INSTANT_POLICY}/edit`)
    await big.page.locator('[data-test="sandbox-match-value"]').waitFor({ timeout: 30000 })
    await shot(big.page, '2-officer-08-editor-1920')
    assert.deepEqual([...problems, ...firmPage.problems, ...big.problems], [], 'no console errors')
  } finally {
    await close()
  }
})
