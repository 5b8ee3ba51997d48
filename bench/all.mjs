// `npm run bench`: builds, then runs the same bundle on node, bun and deno, the bench Worker in
// workerd, the HTTP benchmark on Node, the package from its tarball (sizes, start-up, imports:
// bench/package.mjs) and a cold start's first request (bench/cold-start.mjs), then a summary of
// every target across runtimes and algorithms. Prints everything and keeps a copy in bench/.bench-out/results.md
// (BENCHMARKS.md is written from one such run). Arguments are passed on: `--quick`, `--alg EdDSA`.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { build, outDir } from './build.mjs'

const root = join(outDir, '..', '..')
const bin = join(root, 'node_modules', '.bin')
const args = process.argv.slice(2)
const bundle = join(outDir, 'run.mjs')

const steps = [
  ['node', ['--expose-gc', bundle, ...args]],
  ['bun', [bundle, ...args]],
  ['deno', ['run', '--allow-all', '--v8-flags=--expose-gc', bundle, ...args]],
  ['node', [join(root, 'bench', 'workerd.mjs'), ...args]],
  ['node', [join(root, 'bench', 'http.mjs'), ...args]],
  ['node', [join(root, 'bench', 'package.mjs'), ...args]],
  ['node', [join(root, 'bench', 'cold-start.mjs'), ...args]],
]

/** Every target, per runtime: met in how many algorithms, and the range of its ratio. */
const summary = (text) => {
  const rows = new Map()
  const runtimes = []
  for (const [, json] of text.matchAll(/^<!-- ratios (.*) -->$/gm)) {
    const { runtime, alg, targets } = JSON.parse(json)
    if (!runtimes.includes(runtime)) runtimes.push(runtime)
    for (const { name, value, target, atLeast } of targets) {
      const key = target === undefined ? name : `${name} ${atLeast ? '≥' : '≤'} ${target}`
      if (!rows.has(key)) rows.set(key, new Map())
      const cells = rows.get(key)
      if (!cells.has(runtime)) cells.set(runtime, [])
      const met = target === undefined ? undefined : atLeast ? value >= target : value <= target
      cells.get(runtime).push({ alg, value, met })
    }
  }
  const lines = [
    '## Summary: targets per runtime (met in how many algorithms, range of the ratio)\n',
    `| target | ${runtimes.join(' | ')} |`,
    `| --- |${' --- |'.repeat(runtimes.length)}`,
  ]
  for (const [key, cells] of rows) {
    const row = runtimes.map((runtime) => {
      const all = cells.get(runtime)
      if (!all) return ''
      const values = all.map((c) => c.value)
      const range = `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`
      if (all[0].met === undefined) return `(${range})`
      const met = all.filter((c) => c.met).length
      const missed = all.filter((c) => !c.met).map((c) => c.alg)
      return met === all.length
        ? `met ${met}/${all.length} (${range})`
        : `**${met}/${all.length}** (${range}; missed ${missed.join(', ')})`
    })
    lines.push(`| ${key} | ${row.join(' | ')} |`)
  }
  return `${lines.join('\n')}\n`
}

const output = []
const run = (cmd, argv) =>
  new Promise((resolve) => {
    const child = spawn(join(bin, cmd), argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      // node_modules/.bin first: wrangler and the scripts run on the project's Node 22.
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    })
    child.stdout.on('data', (chunk) => {
      output.push(chunk)
      process.stdout.write(chunk)
    })
    child.on('close', (code) => resolve(code ?? 1))
  })

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
const started = performance.now()
const header = `Run of ${new Date().toISOString()}; load average at start ${load()} (${cpus().length} CPUs)\n`
console.log(header)
output.push(Buffer.from(`${header}\n`))
await build()
let failed = 0
for (const [cmd, argv] of steps) {
  const code = await run(cmd, argv)
  if (code !== 0) {
    failed++
    console.error(`bench: ${cmd} ${argv.join(' ')} exited with ${code}`)
  }
}
let table
try {
  table = summary(Buffer.concat(output).toString())
} catch (error) {
  table = `summary failed: ${error}\n`
}
console.log(table)
output.push(Buffer.from(table))
writeFileSync(join(outDir, 'results.md'), Buffer.concat(output))
const footer = `load average at end ${load()}\n`
console.log(footer)
output.push(Buffer.from(footer))
const minutes = ((performance.now() - started) / 60_000).toFixed(1)
console.log(`bench: ${minutes} min, results in bench/.bench-out/results.md`)
process.exitCode = failed ? 1 : 0
