// The HTTP benchmark on Node, over loopback: each server of bench/http-server.ts in a process of its
// own, loaded in turn by autocannon from this one (same token, same route, GET), rounds
// interleaved, the median round kept. Every server is first checked to answer 200 to the token and
// 401 to a tampered one. Prints requests per second and the ratios.
//   node bench/http.mjs [--quick] [--alg EdDSA]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { outDir } from './build.mjs'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.includes('--alg') ? args[args.indexOf('--alg') + 1] : undefined
const algorithms = ['HS256', 'EdDSA', 'ES256', 'RS256'].filter((a) => !only || a === only)
const rounds = quick ? 1 : 3
const duration = quick ? 1 : 3
const connections = 10
const kinds = [
  'hono bare',
  'hono + ours',
  'hono + ours, cache',
  'fastify bare',
  'fastify + @fastify/jwt',
  'fastify + @fastify/jwt, cache',
  'express + oauth2-jwt-bearer',
]
const audience = 'urn:airflow.apache.org:task'
const issuer = 'https://issuer.bench.example'
const tiId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
const path = `/execution/task-instances/${tiId}/state`
const scratch = mkdtempSync(join(tmpdir(), 'hsj-http-bench-'))

const tamper = (token) => {
  const at = token.lastIndexOf('.') + 1
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`
}

const setup = async (alg) => {
  const config = { alg, audience, issuer }
  let signingKey
  if (alg === 'HS256') {
    config.secret = 'bench-secret-'.padEnd(64, 'x')
    signingKey = new TextEncoder().encode(config.secret)
  } else {
    const pair = await generateKeyPair(alg, { extractable: true })
    config.publicJwk = { ...(await exportJWK(pair.publicKey)), alg, kid: 'bench', use: 'sig' }
    config.publicPem = await exportSPKI(pair.publicKey)
    signingKey = pair.privateKey
  }
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ scope: 'execution', jti: crypto.randomUUID() })
    .setProtectedHeader(alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: 'bench' })
    .setSubject(tiId)
    .setAudience(audience)
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(signingKey)
  const file = join(scratch, `${alg}.json`)
  writeFileSync(file, JSON.stringify(config))
  return { file, token }
}

const children = []
const stopAll = () => {
  for (const child of children.splice(0)) child.kill('SIGTERM')
}
process.on('exit', () => {
  stopAll()
  rmSync(scratch, { recursive: true, force: true })
})

const start = (kind, file) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(outDir, 'http-server.mjs'), kind, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    const timer = setTimeout(() => reject(new Error(`${kind}: did not start`)), 20_000)
    child.stdout.on('data', (chunk) => {
      const port = /listening (\d+)/.exec(String(chunk))?.[1]
      if (port) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${port}${path}`)
      }
    })
    child.on('exit', (code) => reject(new Error(`${kind}: exited with ${code}`)))
  })

const status = async (url, token) =>
  (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status

const load = (url, token) =>
  new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration, headers: { authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

console.log('## Node over HTTP (loopback)\n')
console.log(
  `autocannon, ${connections} connections, ${duration} s per run, median of ${rounds} interleaved rounds; ` +
    'each server in its own process, GET with the same token\n',
)
for (const alg of algorithms) {
  const { file, token } = await setup(alg)
  const urls = {}
  for (const kind of kinds) {
    urls[kind] = await start(kind, file)
    const good = await status(urls[kind], token)
    const bad = await status(urls[kind], tamper(token))
    const guarded = !kind.endsWith('bare')
    if (good !== 200 || (guarded && bad !== 401)) {
      throw new Error(`${alg} ${kind}: good token ${good}, tampered ${bad} (want 200, 401)`)
    }
  }
  const samples = Object.fromEntries(kinds.map((kind) => [kind, []]))
  const spread = {}
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      const result = await load(urls[kind], token)
      if (result.non2xx || result.errors) throw new Error(`${alg} ${kind}: failed requests`)
      samples[kind].push(result.requests.average)
    }
  }
  stopAll()
  const rps = {}
  for (const kind of kinds) {
    rps[kind] = median(samples[kind])
    spread[kind] = Math.max(...samples[kind]) / Math.min(...samples[kind])
  }
  console.log(`### Node over HTTP, ${alg}\n`)
  console.log('| server | requests / s | slowest / fastest round |\n| --- | ---: | ---: |')
  for (const kind of kinds) {
    console.log(`| ${kind} | ${rps[kind].toFixed(0)} | ${spread[kind].toFixed(2)}× |`)
  }
  const ratios = [
    {
      name: 'hono + ours / fastify + @fastify/jwt',
      value: rps['hono + ours'] / rps['fastify + @fastify/jwt'],
      target: 1,
    },
    {
      name: 'hono + ours, cache / fastify + @fastify/jwt, cache',
      value: rps['hono + ours, cache'] / rps['fastify + @fastify/jwt, cache'],
      target: 1.4,
    },
    {
      name: 'hono + ours / express + oauth2-jwt-bearer',
      value: rps['hono + ours'] / rps['express + oauth2-jwt-bearer'],
    },
    // What the servers alone allow: a bound on any middleware's ratio, the cached ones above all.
    { name: 'bound: hono bare / fastify bare', value: rps['hono bare'] / rps['fastify bare'] },
  ]
  console.log('\n| ratio (requests / s, higher is better) | value | target | |')
  console.log('| --- | ---: | ---: | --- |')
  for (const r of ratios) {
    const verdict = r.target === undefined ? '' : r.value >= r.target ? 'met' : '**missed**'
    const target = r.target === undefined ? '' : `≥ ${r.target}`
    console.log(`| ${r.name} | ${r.value.toFixed(3)} | ${target} | ${verdict} |`)
  }
  const targets = ratios
    .filter((r) => r.target !== undefined || r.name.startsWith('bound'))
    .map((r) => ({ ...r, atLeast: true }))
  console.log(`\n<!-- ratios ${JSON.stringify({ runtime: 'Node HTTP', alg, targets })} -->\n`)
}
