import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser } from 'puppeteer-core'
import { makeKeys } from './fixture.ts'
import { type Runtime, type Server, startServer } from './servers.ts'

// The docs page in a real browser: headless chromium from npm (@sparticuz/chromium, a devDependency
// that ships the binary, so `npm install` is all the set-up) driven by puppeteer-core opens
// /execution/docs on the Worker (wrangler dev) and on the Node server, and checks that Swagger UI
// loads, lists every operation of the OpenAPI document and shows the bearer security scheme,
// while request interception refuses (and records) any request that would leave loopback.
//   node test/conformance/docs-page.ts [workerd] [node] [bun] [deno]   (default: workerd node)
// Prints `docs (<runtime>): N passed, N failed` per runtime.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const wanted = (process.argv.slice(2) as Runtime[]).filter(Boolean)
const runtimesToTry: Runtime[] = wanted.length ? wanted : ['workerd', 'node']

const loopback = (url: string) => {
  const { protocol, hostname } = new URL(url)
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
}

const checks: [string, (browser: Browser, baseUrl: string) => Promise<void>][] = [
  [
    'the page loads, lists every operation and shows the bearer scheme; nothing leaves loopback',
    async (browser, baseUrl) => {
      const page = await browser.newPage()
      const offLoopback: string[] = []
      const failed: string[] = []
      await page.setRequestInterception(true)
      page.on('request', (request) => {
        if (loopback(request.url())) return void request.continue()
        offLoopback.push(request.url())
        void request.abort('blockedbyclient')
      })
      page.on('requestfailed', (request) => {
        if (loopback(request.url())) failed.push(request.url())
      })
      const res = await page.goto(`${baseUrl}/execution/docs`, { waitUntil: 'networkidle0' })
      assert.equal(res?.status(), 200)
      await page.waitForSelector('.opblock', { timeout: 20_000 })

      const doc = (await (await fetch(`${baseUrl}/execution/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>
      }
      const expected = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      )
      const shown = await page.$$eval('.opblock', (blocks) =>
        blocks.map((block) => {
          const method = block.querySelector('.opblock-summary-method')?.textContent ?? ''
          const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path')
          return `${method.trim()} ${path ?? ''}`
        }),
      )
      assert.deepEqual([...shown].sort(), [...expected].sort())

      // The security scheme: the Authorize dialog names JWTBearer, an http bearer scheme.
      await page.click('.auth-wrapper .authorize')
      await page.waitForSelector('.modal-ux .auth-container', { timeout: 10_000 })
      const dialog = await page.$eval('.modal-ux', (modal) => modal.textContent ?? '')
      assert.match(dialog, /JWTBearer/)
      assert.match(dialog, /http, Bearer/i)

      assert.deepEqual(offLoopback, [], 'requests off loopback')
      assert.deepEqual(failed, [], 'requests that failed')
      await page.close()
    },
  ],
]

// The package's brotli archive is unpacked into a folder of this run's own (~1.5 s): the package
// unpacks into the temp folder and trusts whatever file it finds there, so two runs sharing one
// folder could launch a half-written binary. `CHROMIUM_PATH` names another browser instead.
const unpacked = mkdtempSync(join(tmpdir(), 'hsj-chromium-bin-'))
const executablePath =
  process.env.CHROMIUM_PATH ??
  (await (async () => {
    const previous = process.env.TMPDIR
    process.env.TMPDIR = unpacked
    try {
      return await chromium.executablePath()
    } finally {
      if (previous === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = previous
    }
  })())
if (!existsSync(executablePath)) {
  console.log(`docs: no browser at ${executablePath}`)
  console.log('docs (chromium): 0 passed, 1 failed')
  process.exit(1)
}

const keys = await makeKeys()
const settings = { JWT_PRIVATE_JWK: JSON.stringify(keys.privateJwk) }
const profile = mkdtempSync(join(tmpdir(), 'hsj-chromium-'))
let failures = 0
const browser = await puppeteer.launch({
  executablePath,
  headless: 'shell',
  userDataDir: profile,
  args: [
    '--headless=shell',
    '--no-sandbox',
    '--no-zygote',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  for (const runtime of runtimesToTry) {
    const dir = mkdtempSync(join(tmpdir(), `hsj-docs-${runtime}-`))
    let server: Server | undefined
    let passed = 0
    let failed = 0
    try {
      server = await startServer(runtime, { root, dir, settings, seedSql: '' })
      for (const [name, check] of checks) {
        try {
          await check(browser, server.baseUrl)
          passed++
        } catch (error) {
          failed++
          console.log(`  ✗ ${runtime} › ${name}\n    ${(error as Error).message}`)
        }
      }
    } catch (error) {
      failed = checks.length
      console.log(`  ✗ ${runtime}: could not start: ${(error as Error).message}`)
    } finally {
      await server?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
    failures += failed
    console.log(`docs (${runtime}): ${passed} passed, ${failed} failed`)
  }
} finally {
  await browser.close()
  rmSync(profile, { recursive: true, force: true })
  rmSync(unpacked, { recursive: true, force: true })
}
process.exitCode = failures ? 1 : 0
