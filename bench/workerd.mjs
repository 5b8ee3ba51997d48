// The workerd column: starts the bench Worker (bench/wrangler.toml) under `wrangler dev` and asks it
// to time every scenario in a loop inside the isolate (`wrangler dev` adds about 2 ms of proxying to
// each HTTP request, which would drown the microseconds measured, so no load over HTTP here).
//   node bench/workerd.mjs [--quick] [--alg EdDSA]
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.includes('--alg') ? args[args.indexOf('--alg') + 1] : undefined
// Free ports, for the server and its inspector: other wrangler processes may be running.
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
const port = Number(process.env.BENCH_PORT ?? (await freePort()))
const inspectorPort = await freePort()
const base = `http://127.0.0.1:${port}`
const algorithms = ['HS256', 'EdDSA', 'ES256', 'RS256'].filter((a) => !only || a === only)

const wrangler = spawn(
  join(root, 'node_modules', '.bin', 'wrangler'),
  [
    'dev',
    '-c',
    'bench/wrangler.toml',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
  ],
  {
    cwd: root,
    detached: true, // its own process group, so that workerd goes down with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
  },
)
let log = ''
wrangler.stdout.on('data', (chunk) => {
  log += chunk
})
wrangler.stderr.on('data', (chunk) => {
  log += chunk
})
const stop = () => {
  try {
    process.kill(-wrangler.pid, 'SIGTERM')
  } catch {}
}
process.on('exit', stop)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stop()
    process.exit(130)
  })
}

const ready = async () => {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/list`)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`wrangler dev did not start:\n${log}`)
}

try {
  await ready()
  console.log('## workerd (wrangler dev)\n')
  const rounds = quick ? 1 : 7
  const ms = quick ? 60 : 100
  console.log(
    `In-isolate loop: mean per op over ${ms} ms, median of ${rounds} interleaved rounds\n`,
  )
  for (const alg of algorithms) {
    const res = await fetch(`${base}/loop?alg=${alg}&ms=${ms}&rounds=${rounds}`)
    console.log(await res.text())
  }
} finally {
  stop()
}
