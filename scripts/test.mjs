// The `npm test` driver: runs every step in order (all of them, even after a failure), then prints
// one last line `N passed, N failed`. Exit code is non-zero when anything failed.
//
// Add a suite by appending a step to `steps`:
//   { name, cmd, args, env?, count? }
// - `cmd` is looked up in node_modules/.bin first (so tools run on the project's Node 22), then PATH.
// - `count({ code, stdout, stderr })` returns `{ passed, failed }` test counts, or null when it cannot
//   tell. Without `count`, a step is a check: it adds 0 passed, or 1 failed when it exits non-zero.
//   With `count`, a non-zero exit that reports no failed test still adds 1 failed.
// stdout/stderr are shown live and also buffered for `count` (e.g. to parse a runner's summary).
// `node scripts/test.mjs --only biome rotation` runs the steps whose names start with those words
// (scripts/check-archive.mjs runs some in a `git archive` copy that way).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const bin = join(root, 'node_modules', '.bin')
const outDir = mkdtempSync(join(tmpdir(), 'hsj-test-'))

/** Counts from a vitest `--reporter=json` file (also counts files that failed to load). */
const vitestJson = (file) => () => {
  if (!existsSync(file)) return null
  const report = JSON.parse(readFileSync(file, 'utf8'))
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
  ).length
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles }
}

const vitestReport = join(outDir, 'vitest.json')

/** Sums `<label> (<runtime>): N passed, N failed` lines (label: a regex), the last one per name winning. */
const perRuntime =
  (label) =>
  ({ stdout }) => {
    const lines = new Map()
    for (const [, name, passed, failed] of stdout.matchAll(
      new RegExp(`^((?:${label}) \\(\\w+\\)): (\\d+) passed, (\\d+) failed`, 'gm'),
    )) {
      lines.set(name, { passed: Number(passed), failed: Number(failed) })
    }
    if (!lines.size) return null
    const all = [...lines.values()]
    return {
      passed: all.reduce((n, l) => n + l.passed, 0),
      failed: all.reduce((n, l) => n + l.failed, 0),
    }
  }

const allSteps = [
  { name: 'tsc (library)', cmd: 'tsc', args: ['--noEmit', '-p', 'tsconfig.json'] },
  { name: 'tsc (worker + tests)', cmd: 'tsc', args: ['--noEmit', '-p', 'test/tsconfig.json'] },
  { name: 'tsc (servers + runners)', cmd: 'tsc', args: ['--noEmit', '-p', 'tsconfig.node.json'] },
  { name: 'biome', cmd: 'biome', args: ['check', '.'] },
  {
    name: 'vitest (workers + types)',
    cmd: 'vitest',
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    count: vitestJson(vitestReport),
  },
  // The remote key set against a real loopback server: workerd tests cannot listen, Node can.
  // DPoP-bound tokens from a real authorization server (oidc-provider) on loopback.
  // The repository standing alone (no path outside it; .dev.vars never reaches the tests), and the
  // local commands' --help and errors.
  {
    name: 'node (loopback key set, repository)',
    cmd: 'node',
    args: [
      '--test',
      '--test-reporter=tap',
      'test/security/loopback.node.mjs',
      'test/repo/stands-alone.node.mjs',
      'test/repo/cli.node.mjs',
      'test/security/discovery.node.mjs',
      'test/security/dpop-provider.node.mjs',
      // Several issuers against two real OpenID providers (oidc-provider) on loopback.
      'test/oidc/issuers.node.mjs',
    ],
    count: ({ stdout }) => {
      const pass = /^# pass (\d+)$/m.exec(stdout)
      const fail = /^# fail (\d+)$/m.exec(stdout)
      return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : null
    },
  },
  // The README's curl walk-through against a real `npm run dev` (wrangler dev on a free port).
  {
    name: 'walkthrough (wrangler dev)',
    cmd: 'node',
    args: ['test/execution-api/walkthrough.e2e.mjs'],
  },
  // The deployable bundle; wrangler prints its size and gzip size.
  {
    name: 'bundle (wrangler deploy --dry-run)',
    cmd: 'wrangler',
    args: ['deploy', '--dry-run', '--outdir', join(outDir, 'bundle')],
  },
  // The README's key rotation run as written while runners' requests flow: on Node and in workerd.
  {
    name: 'rotation (node, workerd)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/rotation/run.ts'],
    count: perRuntime('rotation'),
  },
  // The Node, Bun and Deno servers: their D1 shim (node:sqlite, bun:sqlite) and their start-up.
  {
    name: 'serve (node, bun, deno)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/serve/run.ts'],
    count: perRuntime('d1 shim|serve'),
  },
  // One black-box HTTP suite against the Execution API on workerd (wrangler dev), Node, Bun and Deno.
  {
    name: 'conformance (4 runtimes)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/conformance/run.ts'],
    count: perRuntime('conformance'),
  },
  // Redocly's recommended rules on the OpenAPI document of every API version (offline).
  {
    name: 'openapi lint (redocly, every version)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/conformance/openapi-lint.ts'],
    count: perRuntime('openapi lint'),
  },
  // The docs page in headless chromium (from npm: @sparticuz/chromium, unpacked per run): Swagger UI
  // on wrangler dev and the Node server lists every operation and the bearer scheme, with no
  // request off loopback.
  {
    name: 'docs page (chromium)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/conformance/docs-page.ts'],
    count: perRuntime('docs'),
  },
  // The package users install: neutral sources, tarball contents, JSR dry run, and the tarball
  // installed outside the repo running a minimal app on Node, Bun, Deno and workerd.
  {
    name: 'package (tarball on 4 runtimes)',
    cmd: 'node',
    args: ['--disable-warning=ExperimentalWarning', 'test/package/run.ts'],
    count: perRuntime('package'),
  },
]

const onlyAt = process.argv.indexOf('--only')
const only = onlyAt < 0 ? undefined : process.argv.slice(onlyAt + 1)
const steps = only ? allSteps.filter((s) => only.some((p) => s.name.startsWith(p))) : allSteps
if (only && !steps.length) throw new Error(`no step starts with ${only.join(', ')}`)

const run = (step) =>
  new Promise((resolve) => {
    const local = join(bin, step.cmd)
    const child = spawn(existsSync(local) ? local : step.cmd, step.args, {
      cwd: root,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, ...step.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out = []
    const err = []
    child.stdout.on('data', (chunk) => {
      out.push(chunk)
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      err.push(chunk)
      process.stderr.write(chunk)
    })
    child.on('error', (error) => {
      process.stderr.write(`${step.name}: ${error.message}\n`)
      resolve({ code: 127, stdout: '', stderr: error.message })
    })
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    )
  })

let passed = 0
let failed = 0
const summary = []
console.log(`node ${process.version}`)
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.cmd} ${step.args.join(' ')}`)
  const start = performance.now()
  const result = await run(step)
  const seconds = ((performance.now() - start) / 1000).toFixed(1)
  let counts = null
  if (step.count) {
    try {
      counts = step.count(result)
    } catch (error) {
      process.stderr.write(`${step.name}: could not count tests: ${error.message}\n`)
    }
  }
  const stepPassed = counts?.passed ?? 0
  let stepFailed = counts?.failed ?? 0
  if (result.code !== 0 && stepFailed === 0) stepFailed = 1
  passed += stepPassed
  failed += stepFailed
  const status = result.code === 0 ? 'ok' : `FAILED (exit ${result.code})`
  const tally = counts ? `, ${stepPassed} passed, ${stepFailed} failed` : ''
  summary.push(`  ${step.name}: ${status}${tally}, ${seconds}s`)
}
rmSync(outDir, { recursive: true, force: true })

console.log(`\n${summary.join('\n')}`)
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
