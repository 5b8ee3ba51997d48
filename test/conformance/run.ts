import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeContext, makeKeys, makeSeed } from './fixture.ts'
import { caseCount, runCases } from './harness.ts'
import { type Runtime, runtimes, type Server, startServer } from './servers.ts'
import './suite-auth.ts'
import './suite-flow.ts'
import './suite-api.ts'
import './suite-sdk.ts'

// The conformance runner: the same black-box suite against the Execution API on each runtime.
//   node test/conformance/run.ts [workerd] [node] [bun] [deno]    (default: all four)
// Prints one result line per runtime, `conformance (<runtime>): N passed, N failed`.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const wanted = process.argv.slice(2) as Runtime[]
for (const name of wanted) {
  if (!runtimes.includes(name))
    throw new Error(`unknown runtime "${name}" (${runtimes.join(', ')})`)
}

const keys = await makeKeys()
const settings = { JWT_PRIVATE_JWK: JSON.stringify(keys.privateJwk) }
const lines: string[] = []
let failed = 0

for (const runtime of wanted.length ? wanted : runtimes) {
  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), `hsj-conformance-${runtime}-`))
  const seed = makeSeed()
  let server: Server | undefined
  let outcome = { passed: 0, failed: caseCount() }
  try {
    server = await startServer(runtime, { root, dir, settings, seedSql: seed.sql })
    const ready = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`conformance (${runtime}): server at ${server.baseUrl} after ${ready}s`)
    outcome = await runCases(makeContext(server.baseUrl, keys, seed), runtime)
  } catch (error) {
    console.log(`  ✗ ${runtime}: could not run the suite: ${(error as Error).message}`)
  } finally {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const line = `conformance (${runtime}): ${outcome.passed} passed, ${outcome.failed} failed, ${seconds}s`
  console.log(line)
  lines.push(line)
  failed += outcome.failed
}

console.log(`\n${lines.join('\n')}`)
process.exitCode = failed ? 1 : 0
