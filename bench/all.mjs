// `npm run bench`: builds, then runs the same bundle on node, bun and deno, the bench Worker in
// workerd, and the size report. Prints everything and keeps a copy in bench/.bench-out/results.md
// (BENCHMARKS.md is written from one such run). Arguments are passed on: `--quick`, `--alg EdDSA`.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
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
  ['node', [join(root, 'bench', 'size.mjs')]],
]

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

const started = performance.now()
await build()
let failed = 0
for (const [cmd, argv] of steps) {
  const code = await run(cmd, argv)
  if (code !== 0) {
    failed++
    console.error(`bench: ${cmd} ${argv.join(' ')} exited with ${code}`)
  }
}
writeFileSync(join(outDir, 'results.md'), Buffer.concat(output))
const minutes = ((performance.now() - started) / 60_000).toFixed(1)
console.log(`bench: ${minutes} min, results in bench/.bench-out/results.md`)
process.exitCode = failed ? 1 : 0
