import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeKeys } from './fixture.ts'
import { type Server, startServer } from './servers.ts'

// Redocly's recommended rules on the OpenAPI document of every version, as the Node server
// serves them (`/execution/openapi.json?version=…`): one `redocly lint --extends=recommended`
// run per document, offline (no telemetry, no update check; the documents reference nothing
// outside themselves). Prints `openapi lint (node): N passed, N failed`, one per version.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const dir = mkdtempSync(join(tmpdir(), 'hsj-openapi-lint-'))
const keys = await makeKeys()
// One file per version (src/execution-api/versions/vYYYY-MM-DD.ts): a file missing from the
// bundle's index answers another version's document and fails here.
const dates = readdirSync(join(root, 'src', 'execution-api', 'versions')).flatMap(
  (name) => /^v(\d{4}-\d{2}-\d{2})\.ts$/.exec(name)?.[1] ?? [],
)
let server: Server | undefined
let passed = 0
let failed = 0
try {
  server = await startServer('node', {
    root,
    dir,
    settings: { JWT_PRIVATE_JWK: JSON.stringify(keys.privateJwk) },
    seedSql: '',
  })
  const files: string[] = []
  for (const date of dates) {
    const res = await fetch(new URL(`/execution/openapi.json?version=${date}`, server.baseUrl))
    const doc = (await res.json()) as { info: { version: string } }
    if (res.status !== 200 || doc.info.version !== date) {
      failed++
      console.log(`  ✗ ${date}: answered ${res.status}, version ${doc.info?.version}`)
      continue
    }
    const file = join(dir, `execution-api-${date}.json`)
    writeFileSync(file, JSON.stringify(doc, null, 2))
    files.push(file)
  }
  for (const file of files) {
    const lint = spawnSync(
      join(root, 'node_modules', '.bin', 'redocly'),
      ['lint', '--extends=recommended', '--format=stylish', file],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    )
    // Warnings count too: the recommended rules are the bar, not just their errors.
    const warned = /^\s*\d+:\d+\s+warning\s/m.test(lint.stdout + lint.stderr)
    if (lint.status === 0 && !warned) passed++
    else {
      failed++
      console.log(`  ✗ ${file.split('/').at(-1)}:\n${lint.stdout}${lint.stderr}`)
    }
  }
} catch (error) {
  failed++
  console.log(`  ✗ could not lint: ${(error as Error).message}`)
} finally {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
}
console.log(`openapi lint (node): ${passed} passed, ${failed} failed`)
process.exitCode = failed ? 1 : 0
