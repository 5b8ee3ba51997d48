// The workerd column: starts the bench Worker (bench/wrangler.toml) under `wrangler dev`, asks it to
// time every scenario in a loop inside the isolate (the numbers that count: `wrangler dev` adds
// about 2 ms of proxying to each HTTP request, which would drown the work measured), then loads a
// few scenarios over loopback with autocannon, bounded in time, for requests per second.
//   node bench/workerd.mjs [--quick] [--alg EdDSA]
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.includes('--alg') ? args[args.indexOf('--alg') + 1] : undefined
const port = Number(process.env.BENCH_PORT ?? 8799)
const base = `http://127.0.0.1:${port}`
const algorithms = ['HS512', 'EdDSA', 'ES256', 'RS256'].filter((a) => !only || a === only)
const loaded = ['bare-route', 'hono-jwt-1', 'hono-jwt-3', 'ours-single', 'ours-nested']

const wrangler = spawn(
  join(root, 'node_modules', '.bin', 'wrangler'),
  ['dev', '-c', 'bench/wrangler.toml', '--ip', '127.0.0.1', '--port', String(port)],
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

const load = (url) =>
  new Promise((resolve, reject) => {
    autocannon(
      // Bounded by time (autocannon's `amount` would override `duration`, not cap it).
      { url, connections: 4, duration: quick ? 1 : 3 },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })

try {
  await ready()
  console.log('## workerd (wrangler dev)\n')
  const rounds = quick ? 1 : 5
  const ms = quick ? 60 : 150
  console.log(
    `In-isolate loop: mean per op over ${ms} ms, fastest of ${rounds} interleaved rounds\n`,
  )
  for (const alg of algorithms) {
    const res = await fetch(`${base}/loop?alg=${alg}&ms=${ms}&rounds=${rounds}`)
    console.log(await res.text())
  }
  console.log(
    '### workerd over loopback (autocannon, 4 connections, includes wrangler dev proxying)\n',
  )
  console.log(`| alg | ${loaded.join(' | ')} | ours single / hono/jwt ×1 |`)
  console.log(`| --- |${' ---: |'.repeat(loaded.length + 1)}`)
  for (const alg of algorithms) {
    const rps = {}
    for (const name of loaded) {
      const result = await load(`${base}/one/${alg}/${name}`)
      if (result.non2xx || result.errors) throw new Error(`${alg} ${name}: failed requests`)
      rps[name] = result.requests.average
    }
    // A request rate: higher is better, so the time ratio is the inverse.
    const ratio = rps['hono-jwt-1'] / rps['ours-single']
    const cells = loaded.map((name) => `${rps[name].toFixed(0)} req/s`)
    console.log(`| ${alg} | ${cells.join(' | ')} | ${ratio.toFixed(3)} |`)
  }
  console.log()
} finally {
  stop()
}
