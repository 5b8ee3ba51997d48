// Bundle sizes: the Worker as wrangler would upload it (`wrangler deploy --dry-run --outdir`), and the
// library's own share (src/index.ts bundled with hono, jose, zod and the zod validator left out).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { esbuild, outDir } from './build.mjs'

const root = join(outDir, '..', '..')
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
const sizes = (code) => ({ raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength })

const workerDir = join(outDir, 'worker-dist')
rmSync(workerDir, { recursive: true, force: true })
execFileSync(
  join(root, 'node_modules', '.bin', 'wrangler'),
  ['deploy', '--dry-run', '--outdir', workerDir],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } },
)
const worker = readdirSync(workerDir)
  .filter((file) => file.endsWith('.js') || file.endsWith('.mjs'))
  .map((file) => sizes(readFileSync(join(workerDir, file))))
  .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 })

const bundle = async (minify) => {
  const result = await esbuild.build({
    entryPoints: [join(root, 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    minify,
    write: false,
    external: ['hono', 'hono/*', 'jose', 'zod', '@hono/zod-validator'],
  })
  return sizes(result.outputFiles[0].contents)
}
const library = await bundle(false)
const minified = await bundle(true)

console.log('## Bundle size\n')
console.log('| bundle | raw | gzip |\n| --- | ---: | ---: |')
console.log(
  `| Worker (wrangler.toml, \`wrangler deploy --dry-run\`) | ${kib(worker.raw)} | ${kib(worker.gzip)} |`,
)
console.log(
  `| library alone (src/index.ts; hono, jose, zod external) | ${kib(library.raw)} | ${kib(library.gzip)} |`,
)
console.log(`| library alone, minified | ${kib(minified.raw)} | ${kib(minified.gzip)} |`)
console.log()
