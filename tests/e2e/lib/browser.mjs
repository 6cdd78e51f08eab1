// Debian Chromium driven by playwright-core (STACK.md): headless, no sandbox,
// a fresh profile per launch; console errors and failed requests collected so
// a test can assert there were none.
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const SCREENSHOTS = resolve(process.env.ZHIDA_SCREENSHOTS ?? new URL('../../../build/screenshots', import.meta.url).pathname)
export const SIZES = { small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } }

export async function launch() {
  // playwright launches with a fresh temporary profile of its own (it refuses
  // --user-data-dir for launch()); the flags are STACK.md's.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--lang=zh-CN', '--font-render-hinting=none'],
  })
  const close = async () => {
    await browser.close().catch(() => {})
  }
  return { browser, close }
}

// A page at a viewport size, with its console errors and failed API calls recorded.
export async function newPage(browser, size = SIZES.small) {
  const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  const page = await context.newPage()
  const problems = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  // Which request a "Failed to load resource" was about.
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`  ↳ ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`)
  })
  return { context, page, problems }
}

export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

// Charts finished rendering (ChartBox sets data-rendered on ECharts' `finished`).
export async function chartsRendered(page, min = 1, timeout = 15000) {
  await page.waitForFunction((n) => document.querySelectorAll('.zd-chart[data-rendered="true"]').length >= n, min, { timeout })
}

export async function login(page, base, username, password) {
  await page.goto(`${base}/login`)
  await page.fill('input[name="username"]', username)
  await page.fill('input[name="password"]', password)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20000 }), page.click('[data-test="login-submit"]')])
}
