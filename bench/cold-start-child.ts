import { DatabaseSync } from 'node:sqlite'
import { Hono } from 'hono'
import { createApp } from '../src/execution-api/app'
import { SqliteD1 } from '../src/serve/d1-sqlite'
import { applyMigrations } from '../src/serve/migrations'

// One cold start, in a process of its own (bench/cold-start.mjs starts one per sample): what the
// first request costs once the modules are loaded. `hono`: a bare Hono app built and its first
// `app.fetch` answered. Otherwise the reference Worker's app built (`createApp`) with the private
// JWK in COLD_JWK and its first request, a token (COLD_TOKEN) verified and a variable read,
// answered. The database is made and migrated before the clock starts: that is D1's work.
// Prints one JSON line: { ms, cpu, status, create }: wall time, the main thread's CPU time in it
// (`process.threadCpuUsage`), which a busy machine disturbs far less than wall time, and the wall
// time of `createApp` alone (0 for bare Hono, whose app is built in its first line).

const [mode = 'hono'] = process.argv.slice(2)

const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.threadCpuUsage(since)
  return (user + system) / 1000
}

const first = async (): Promise<{ ms: number; cpu: number; status: number; create: number }> => {
  if (mode === 'hono') {
    const started = performance.now()
    const cpu = process.threadCpuUsage()
    const app = new Hono()
    app.get('/', (c) => c.json({ ok: true }))
    const res = await app.fetch(new Request('http://localhost/'))
    await res.text()
    return { ms: performance.now() - started, cpu: cpuMs(cpu), status: res.status, create: 0 }
  }
  const db = new SqliteD1(new DatabaseSync(':memory:'))
  applyMigrations(db.sqlite, process.env.COLD_MIGRATIONS as string)
  db.sqlite.exec(`INSERT INTO variables (key, value) VALUES ('cold', '"start"')`)
  const env = { DB: db.asD1(), JWT_PRIVATE_JWK: process.env.COLD_JWK }
  const started = performance.now()
  const cpu = process.threadCpuUsage()
  const app = createApp(env)
  const create = performance.now() - started
  const res = await app.fetch(
    new Request('http://localhost/execution/variables/cold', {
      headers: { authorization: `Bearer ${process.env.COLD_TOKEN}` },
    }),
    env,
  )
  await res.text()
  return { ms: performance.now() - started, cpu: cpuMs(cpu), status: res.status, create }
}

console.log(JSON.stringify(await first()))
