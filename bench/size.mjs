// Bundle sizes: minimal Workers as a user would write them (esbuild, minified, gzip level 9: bare
// Hono, hono/jwt, `jwtAuth` alone, a route table), the reference Worker as wrangler would upload it
// (`wrangler deploy --dry-run --outdir`), and the library's own share (src/index.ts bundled with
// hono, jose, zod and the zod validator left out).
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

// Minimal Workers: every import bundled, as `wrangler deploy` would (minified here).
const workers = {
  'bare Hono': `import { Hono } from 'hono'
    const app = new Hono()
    app.get('/', (c) => c.text('ok'))
    export default app`,
  'hono/jwt': `import { Hono } from 'hono'
    import { jwt } from 'hono/jwt'
    const app = new Hono()
    app.use('/*', (c, next) => jwt({ secret: c.env.JWT_SECRET, alg: 'HS256' })(c, next))
    app.get('/', (c) => c.text('ok'))
    export default app`,
  'jwtAuth alone': `import { Hono } from 'hono'
    import { jwtAuth } from './src/index'
    const app = new Hono()
    app.use('/*', (c, next) => jwtAuth({ secret: c.env.JWT_SECRET, algorithms: ['HS256'] })(c, next))
    app.get('/', (c) => c.text('ok'))
    export default app`,
  'route table (no validators)': `import { Hono } from 'hono'
    import { defineGroup, defineRoute, jwtAuth, routeTable } from './src/index'
    export default {
      fetch(request, env, ctx) {
        const auth = jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS256'] })
        const table = routeTable(
          defineGroup({ path: '/ti', scopes: ['token:execution'], routes: [
            defineRoute({ method: 'get', path: '/:task_instance_id', scopes: ['ti:self'], handler: (c) => c.text('ok') }),
          ] }),
          { auth },
        )
        return table.mount(new Hono()).fetch(request, env, ctx)
      },
    }`,
}
const targets = { 'jwtAuth alone': 20_000, 'route table (no validators)': 26_000 }
const minimal = async (contents) => {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    minify: true,
    write: false,
    metafile: true,
  })
  const packages = {}
  const files = {}
  for (const [file, { bytesInOutput }] of Object.entries(
    Object.values(result.metafile.outputs)[0].inputs,
  )) {
    if (file.startsWith('src/')) files[file] = bytesInOutput
    const name =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      (file.startsWith('src/') ? 'library' : 'entry')
    packages[name] = (packages[name] ?? 0) + bytesInOutput
  }
  return { ...sizes(result.outputFiles[0].contents), packages, files }
}

console.log('## Bundle size\n')
console.log('Minimal Workers (esbuild, minified, gzip -9); KB = 1000 bytes\n')
console.log('| Worker | minified | gzip | target | | minified bytes by package |')
console.log('| --- | ---: | ---: | ---: | --- | --- |')
let libraryFiles = {}
for (const [name, contents] of Object.entries(workers)) {
  const { raw, gzip, packages, files } = await minimal(contents)
  if (name === 'jwtAuth alone') libraryFiles = files
  const target = targets[name]
  const verdict = target === undefined ? '' : gzip <= target ? 'met' : '**missed**'
  const parts = Object.entries(packages)
    .filter(([p]) => p !== 'entry')
    .sort((a, b) => b[1] - a[1])
    .map(([p, bytes]) => `${p} ${(bytes / 1000).toFixed(1)}`)
    .join(', ')
  const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`
  console.log(
    `| ${name} | ${kb(raw)} | ${kb(gzip)} | ${target ? `≤ ${kb(target)}` : ''} | ${verdict} | ${parts} |`,
  )
}
console.log()
console.log(
  `The library's modules in the \`jwtAuth\` alone Worker, minified bytes: ${Object.entries(
    libraryFiles,
  )
    .sort((a, b) => b[1] - a[1])
    .map(([file, bytes]) => `${file.replace('src/auth/', '')} ${bytes}`)
    .join(', ')}`,
)
console.log()
console.log('| bundle | raw | gzip |\n| --- | ---: | ---: |')
console.log(
  `| Worker (wrangler.toml, \`wrangler deploy --dry-run\`) | ${kib(worker.raw)} | ${kib(worker.gzip)} |`,
)
console.log(
  `| library alone (src/index.ts; hono, jose, zod external) | ${kib(library.raw)} | ${kib(library.gzip)} |`,
)
console.log(`| library alone, minified | ${kib(minified.raw)} | ${kib(minified.gzip)} |`)
console.log()
