// The in-process benchmark, one script for node, bun and deno (bundled by bench/build.mjs into
// bench/.bench-out/run.mjs so that every runtime runs the same code). Prints markdown tables and
// the ratios against the targets, then the cache's heap growth over 100,000 tokens.
//   node bench/.bench-out/run.mjs [--quick] [--alg EdDSA]
import { measure } from 'mitata'
import { taskInstanceProfile } from '../src/airflow'
import { createVerifier, TokenCache } from '../src/index'
import { createIssuer } from '../src/mint'
import { median, report, spreadOf, type Timings } from './report'
import { algorithms, type BenchAlg, scenariosFor } from './scenarios'

interface Host {
  process?: { argv: string[]; memoryUsage(): { heapUsed: number } }
  Deno?: { args: string[]; memoryUsage(): { heapUsed: number } }
  Bun?: { gc(force: boolean): void }
  gc?: () => void
}
const host = globalThis as unknown as Host
const args = host.Deno?.args ?? host.process?.argv.slice(2) ?? []
const quick = args.includes('--quick')
const only = args.includes('--alg') ? args[args.indexOf('--alg') + 1] : undefined
const runtime = navigator.userAgent
const rounds = quick ? 1 : 7

const gc = () => (host.Bun ? host.Bun.gc(true) : host.gc?.())
const heapUsed = () => (host.Deno ?? host.process)?.memoryUsage().heapUsed ?? Number.NaN

/** Time per op of every scenario: p50 of each round, rounds interleaved, the median round kept. */
const timeAll = async (alg: BenchAlg): Promise<[Timings, Timings]> => {
  const scenarios = await scenariosFor(alg)
  const samples: Record<string, number[]> = {}
  for (let round = 0; round < rounds; round++) {
    for (const { name, run } of scenarios) {
      const stats = await measure(run, { min_cpu_time: 100 * 1e6 })
      samples[name] = [...(samples[name] ?? []), stats.p50]
    }
  }
  const of = (f: (v: number[]) => number) =>
    Object.fromEntries(Object.entries(samples).map(([name, v]) => [name, f(v)]))
  return [of(median), of(spreadOf)]
}

/** Heap after verifying distinct tokens through a default cache (10,000 entries). */
const heapGrowth = async (count: number) => {
  const secret = 'bench-secret-'.padEnd(64, 'x')
  const issuer = createIssuer({ secret, profile: taskInstanceProfile })
  const cache = new TokenCache()
  const verify = createVerifier({
    secret,
    algorithms: ['HS512'],
    cache,
    profile: taskInstanceProfile,
  })
  const sub = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
  gc()
  const before = heapUsed()
  const marks: string[] = []
  // Batches overlap the crypto round trips; the cache sees the same 100,000 distinct tokens.
  const batch = 100
  for (let i = batch; i <= count; i += batch) {
    const ids = Array.from({ length: batch }, (_, j) => i - j)
    await Promise.all(ids.map(async (n) => verify(await issuer.mint({ sub, claims: { n } }))))
    if (i === 10_000 || i === count) {
      gc()
      marks.push(
        `after ${i.toLocaleString('en')}: +${((heapUsed() - before) / 2 ** 20).toFixed(1)} MiB`,
      )
    }
  }
  return `cache heap growth (HS512, ${cache.size} entries held, max ${cache.maxEntries}): ${marks.join(', ')}`
}

console.log(`## ${runtime}\n`)
console.log(
  `mitata p50 per op, median of ${rounds} interleaved rounds; gc ${host.gc || host.Bun ? 'on' : 'off'}\n`,
)
for (const alg of algorithms) {
  if (only && alg !== only) continue
  console.log(report(runtime, alg, ...(await timeAll(alg))))
}
console.log(await heapGrowth(quick ? 20_000 : 100_000))
