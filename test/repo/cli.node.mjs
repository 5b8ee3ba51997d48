// The local commands a newcomer types (`npm run dev`, `queue`, `token`): `--help` on each, and
// errors that say what is wrong. Runs in Node (`node --test`, a step of scripts/test.mjs); none
// of these starts wrangler.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from 'jose'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const cli = (name, ...argv) =>
  spawnSync(process.execPath, [join(root, 'src', 'cli', `${name}.mjs`), ...argv], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  })

test('--help (and -h) on every command: usage on stdout, exit 0', () => {
  for (const [name, usage] of [
    ['dev', 'Usage: npm run dev'],
    ['queue', 'Usage: npm run -s queue --'],
    ['token', 'Usage: npm run token -- --sub UUID'],
  ]) {
    for (const flag of ['--help', '-h']) {
      const run = cli(name, flag)
      assert.equal(run.status, 0, `${name} ${flag}: ${run.stderr}`)
      assert.ok(run.stdout.startsWith(usage), `${name} ${flag}: ${run.stdout}`)
      assert.match(run.stdout, /--vars FILE/)
    }
  }
})

test('an unknown option points at --help', () => {
  const run = cli('token', '--bogus')
  assert.equal(run.status, 1)
  assert.equal(run.stderr.trim(), "Unknown option '--bogus' (--help lists the options)")
})

test('--sub: missing is required, malformed is not a UUID', () => {
  const missing = cli('token')
  assert.equal(missing.status, 1)
  assert.equal(missing.stderr.trim(), '--sub UUID is required (the task instance id)')
  const malformed = cli('token', '--sub', 'not-a-uuid')
  assert.equal(malformed.status, 1)
  assert.match(malformed.stderr, /^--sub is not a UUID: 'not-a-uuid' \(the task instance id/)
})

test('a well-formed --sub gets a token for it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hsj-cli-'))
  try {
    const vars = join(dir, 'dev.vars')
    writeFileSync(vars, `JWT_SECRET='${'s'.repeat(64)}'\n`)
    const sub = crypto.randomUUID()
    const run = cli('token', '--sub', sub, '--scope', 'workload', '--vars', vars)
    assert.equal(run.status, 0, run.stderr)
    assert.deepEqual(
      { sub: decodeJwt(run.stdout.trim()).sub, scope: decodeJwt(run.stdout.trim()).scope },
      { sub, scope: 'workload' },
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
