// 3. A reviewer takes an application that needs review, returns it, the firm
//    resubmits, the reviewer approves.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, login, SIZES } from '../lib/browser.mjs'
import { BASE, byScenario, account } from '../lib/env.mjs'

async function fillWizard(page, shotName) {
  for (let step = 0; step < 3; step++) {
    const scope = page.locator(`[data-test="step-${step}"]`)
    // Conditions the data cannot settle: a commitment, or the missing values.
    const asks = scope.locator('[data-test^="ask-"]')
    for (let i = 0; i < (await asks.count()); i++) {
      const ask = asks.nth(i)
      const declare = ask.locator('[data-test^="declare-"]')
      if (await declare.count()) await declare.click()
      const inputs = ask.locator('input[type="text"], input:not([type])')
      for (let k = 0; k < (await inputs.count()); k++) if (!(await inputs.nth(k).inputValue())) await inputs.nth(k).fill('1')
    }
    // Materials: a commitment where allowed, else an upload.
    const slots = scope.locator('.zd-slot')
    for (let i = 0; i < (await slots.count()); i++) {
      const slot = slots.nth(i)
      const commit = slot.locator('[data-test^="commit-"]')
      if (await commit.count()) {
        if (!(await commit.locator('input').isChecked())) await commit.click()
        continue
      }
      if (await slot.locator('.el-progress').count()) continue // uploaded before
      await slot.locator('input[type="file"]').setInputFiles({ name: '证明材料.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% zhida test material\n%%EOF\n') })
      await slot.locator('.el-progress.is-success').waitFor({ timeout: 20000 })
    }
    if (shotName && step === 2) await shot(page, shotName)
    await page.click('[data-test="next"]')
  }
}

test('review: return for correction, resubmit, approve', async () => {
  const firm = byScenario('instant')
  const { browser, close } = await launch()
  try {
    const f = await newPage(browser, SIZES.small)
    await login(f.page, BASE, firm.username, firm.password)
    // A policy the firm meets that needs a reviewer, with a reviewer of its department.
    const r = await f.page.request.get(`${BASE}/api/v1/enterprises/${firm.enterprise_id}/matches`)
    const matches = (await r.json()).items
    let policy = null, reviewer = null
    for (const m of matches) {
      if (m.verdict !== 'match' || !m.needs_review || m.auto_grant) continue
      try {
        reviewer = account((a) => a.role === 'reviewer' && a.department === m.department, m.department)
        policy = m
        break
      } catch {
        /* no reviewer for that department */
      }
    }
    assert.ok(policy, 'the firm meets a policy that needs review')

    await f.page.goto(`${BASE}/portal/apply/${policy.policy_id}`)
    await f.page.locator('[data-test="step-0"]').waitFor({ timeout: 30000 })
    await fillWizard(f.page, '3-review-01-firm-apply-materials-1366')
    await f.page.click('[data-test="submit"]')
    await f.page.locator('[data-test="apply-result"]').waitFor({ timeout: 30000 })
    assert.equal(await f.page.locator('[data-test="result-approved"]').count(), 0, 'not approved instantly')
    await shot(f.page, '3-review-02-firm-submitted-1366')
    await f.page.click('[data-test="view-application"]')
    await f.page.waitForURL('**/portal/applications/*')
    const appId = f.page.url().split('/').pop()

    // Reviewer returns it.
    const rv = await newPage(browser, SIZES.small)
    await login(rv.page, BASE, reviewer.username, reviewer.password)
    await rv.page.goto(`${BASE}/console/reviews`)
    await rv.page.locator(`[data-test="take-${appId}"]`).waitFor({ timeout: 30000 })
    await shot(rv.page, '3-review-03-queue-1366')
    await rv.page.click(`[data-test="take-${appId}"]`)
    await rv.page.locator('[data-test="checklist"]').waitFor()
    await shot(rv.page, '3-review-04-checklist-1366')
    await rv.page.fill('textarea[data-test="reasons"], [data-test="reasons"] textarea', '贷款合同扫描件不清晰，请重新上传')
    await rv.page.click('[data-test="return"]')
    await rv.page.locator('.el-message--success').first().waitFor({ timeout: 20000 })
    await shot(rv.page, '3-review-05-returned-1366')

    // The firm corrects and resubmits.
    await f.page.goto(`${BASE}/portal/applications/${appId}`)
    await f.page.locator('[data-test="resubmit"]').waitFor({ timeout: 30000 })
    await shot(f.page, '3-review-06-firm-returned-1366')
    await f.page.click('[data-test="resubmit"]')
    await f.page.locator('[data-test="step-0"]').waitFor({ timeout: 30000 })
    await fillWizard(f.page)
    await f.page.click('[data-test="submit"]')
    await f.page.locator('[data-test="apply-result"]').waitFor({ timeout: 30000 })

    // The reviewer approves.
    await rv.page.goto(`${BASE}/console/reviews/${appId}`)
    await rv.page.locator('[data-test="checklist"]').waitFor({ timeout: 30000 })
    const checks = rv.page.locator('[data-test^="check-"]')
    for (let i = 0; i < (await checks.count()); i++) await checks.nth(i).locator('label').first().click()
    await shot(rv.page, '3-review-07-checklist-passed-1366')
    await rv.page.click('[data-test="approve"]')
    await rv.page.locator('.el-message--success').first().waitFor({ timeout: 20000 })
    await shot(rv.page, '3-review-08-approved-1366')

    await f.page.goto(`${BASE}/portal/applications/${appId}`)
    await f.page.locator('[data-test="timeline"]').waitFor({ timeout: 30000 })
    assert.match(await f.page.locator('[data-status]').first().getAttribute('data-status'), /approved|publicity/)
    await shot(f.page, '3-review-09-firm-approved-1366')
    assert.deepEqual([...f.problems, ...rv.problems], [], 'no console errors')
  } finally {
    await close()
  }
})
