import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { start } from '../conformance/processes.ts'
import { childEnv, type SqliteRuntime, sqliteCommand } from '../conformance/servers.ts'

// What the conformance suite cannot see from one running server: start-up. Refusing settings the
// Worker refuses, 503 without a key, the database created on first start and kept across restarts.
// Prints `serve (<runtime>): N passed, N failed`.

const secret = 'conformance-secret-'.padEnd(64, 'x')

const hs512 = (sub: string) => {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ scope: 'execution' })
    .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
    .setSubject(sub)
    .setAudience('urn:airflow.apache.org:task')
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(secret))
}

export const checkServers = async (root: string, runtime: SqliteRuntime) => {
  const dir = mkdtempSync(join(tmpdir(), `hsj-serve-${runtime}-`))
  const [cmd, ...args] = (await sqliteCommand(runtime, { root })) as [string, ...string[]]
  const dbPath = join(dir, 'nested', 'state', 'api.sqlite')
  const launch = (settings: Record<string, string>) =>
    start(cmd, args, childEnv({ root, dir, settings }, { PORT: '0', DB_PATH: dbPath }), root)
  const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/
  const exitOf = (server: ReturnType<typeof launch>) =>
    new Promise<number | null>((resolve) => {
      if (server.child.exitCode !== null) resolve(server.child.exitCode)
      server.child.once('exit', (code) => resolve(code))
    })

  const cases: [string, () => Promise<void>][] = [
    [
      'a JWT_SECRET shorter than 64 bytes: refuses to start',
      async () => {
        const server = launch({ JWT_SECRET: 'short' })
        try {
          assert.notEqual(await exitOf(server), 0)
          assert.match(server.log(), /refusing to start: .*JWT_SECRET/)
        } finally {
          await server.stop()
        }
      },
    ],
    [
      'a PORT that is not a port: refuses to start',
      async () => {
        const server = start(
          cmd,
          args,
          childEnv({ root, dir, settings: {} }, { PORT: 'http' }),
          root,
        )
        try {
          assert.notEqual(await exitOf(server), 0)
          assert.match(server.log(), /refusing to start: "PORT"/)
        } finally {
          await server.stop()
        }
      },
    ],
    [
      'no key: authenticated routes answer 503, health 200',
      async () => {
        const server = launch({})
        try {
          const [, url] = await server.waitFor(listening, 30_000)
          const health = await fetch(`${url}/execution/health`)
          assert.equal(health.status, 200)
          const answer = await fetch(`${url}/execution/variables/x`, {
            headers: { authorization: `Bearer ${await hs512(crypto.randomUUID())}` },
          })
          assert.equal(answer.status, 503)
          assert.ok(answer.headers.get('retry-after'), 'Retry-After is set')
          assert.deepEqual(await answer.json(), { detail: 'Token keys unavailable' })
        } finally {
          await server.stop()
        }
      },
    ],
    [
      'the database: created and migrated on first start, kept across restarts',
      async () => {
        const token = await hs512(crypto.randomUUID())
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
        rmSync(join(dir, 'nested'), { recursive: true, force: true })
        const first = launch({ JWT_SECRET: secret })
        try {
          const [, url] = await first.waitFor(listening, 30_000)
          assert.match(first.log(), /applied 0001_init\.sql/)
          assert.ok(existsSync(dbPath), 'DB_PATH created')
          const body = JSON.stringify({ value: 'kept' })
          const put = await fetch(`${url}/execution/variables/kept`, {
            method: 'PUT',
            headers,
            body,
          })
          assert.equal(put.status, 201)
        } finally {
          await first.stop()
        }
        const second = launch({ JWT_SECRET: secret })
        try {
          const [, url] = await second.waitFor(listening, 30_000)
          assert.doesNotMatch(second.log(), /applied/)
          const got = await fetch(`${url}/execution/variables/kept`, { headers })
          assert.deepEqual(await got.json(), { key: 'kept', value: 'kept' })
        } finally {
          await second.stop()
        }
      },
    ],
  ]

  let passed = 0
  let failed = 0
  try {
    for (const [name, fn] of cases) {
      try {
        await fn()
        passed++
      } catch (error) {
        failed++
        console.log(`  ✗ ${runtime} › ${name}\n    ${(error as Error).message}`)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(`serve (${runtime}): ${passed} passed, ${failed} failed`)
  return failed
}
