import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkServers } from './servers.check.ts'

// The Node, Bun and Deno servers below the conformance suite: the D1 shim checks on each SQLite
// driver (node:sqlite on Node and Deno, bun:sqlite on Bun), then each server's start-up.
// Prints `d1 shim (<runtime>): …` and `serve (<runtime>): N passed, N failed` lines.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const file = 'test/serve/d1-sqlite.check.ts'
const commands: [string, string[]][] = [
  [bin('node'), ['--disable-warning=ExperimentalWarning', file]],
  [bin('bun'), [file]],
  [bin('deno'), ['run', '--allow-read', '--allow-write', '--allow-env', file]],
]

let failed = false
for (const [cmd, args] of commands) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 60_000 })
  process.stdout.write(result.stdout ?? '')
  process.stderr.write(result.stderr ?? '')
  if (result.status !== 0) {
    failed = true
    console.log(`${cmd.split('/').pop()} exited with ${result.status ?? result.signal}`)
  }
}
for (const runtime of ['node', 'bun', 'deno'] as const) {
  if ((await checkServers(root, runtime)) > 0) failed = true
}
process.exitCode = failed ? 1 : 0
