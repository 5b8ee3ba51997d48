// Builds the published package into dist/ as unbundled ESM, the way Hono and jose publish: one
// `.js` per source module of the library (esbuild strips the types, file by file) and its `.d.ts`
// (tsc). A user's bundler then takes only the modules that a Worker imports, and `sideEffects:
// false` lets it drop the rest.
//
// The source's relative imports are extensionless (`./keys`); Node's ESM resolution and
// TypeScript on `moduleResolution: "node16"`/`"nodenext"` need the file, so every relative
// specifier in the output is rewritten to `./keys.js` (or `./keys/index.js` for a folder).
//
// The build fails when a module imports anything but the declared dependencies (a Node built-in
// would be caught here too), and when an entry point reaches a package it must not: zod and jose
// only from the entries that need them (`entryPackages` below).
//
//   node scripts/build.mjs [--out-dir DIR]    (default: dist; tests build elsewhere, in parallel)
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const flag = process.argv.indexOf('--out-dir')
const dist = resolve(root, flag > 0 ? process.argv[flag + 1] : 'dist')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const allowed = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
])

// Each entry point (its file under dist/) and the packages other than hono it may reach; the
// command reaches none (WebCrypto only: it runs from the installed package alone).
const entryPackages = {
  'index.js': [],
  'mint.js': ['jose'],
  'airflow.js': ['zod'],
  'openapi.js': ['zod'],
  'zod.js': [],
  'client/index.js': [],
  'bin/hono-scoped-jwt.js': [],
}

// Files under `dir` named `*suffix` (`.ts` leaves out `.d.ts`).
const filesUnder = (dir, suffix) =>
  readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => path.endsWith(suffix) && (suffix === '.d.ts' || !path.endsWith('.d.ts')))

// The library: the entry files (with the client and the command) and every module under src/auth;
// never the Worker.
const sources = [
  ...Object.keys(entryPackages).map((file) => join(root, 'src', file.replace(/\.js$/, '.ts'))),
  ...filesUnder(join(root, 'src', 'auth'), '.ts'),
].filter((file, i, all) => all.indexOf(file) === i)
for (const file of sources) {
  if (!existsSync(file)) throw new Error(`missing entry ${relative(root, file)}`)
}

rmSync(dist, { recursive: true, force: true })

await build({
  absWorkingDir: root,
  entryPoints: sources,
  outbase: 'src',
  outdir: dist,
  bundle: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
})

const tscArgs = ['-p', 'tsconfig.build.json', '--outDir', dist]
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), tscArgs, {
  cwd: root,
  stdio: 'inherit',
})
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

// `from './x'` → './x.js', or './x/index.js' for a folder; checked against what was emitted.
const withExtension = (file, specifier, ext) => {
  const target = join(dirname(file), specifier)
  if (existsSync(`${target}${ext}`)) return `${specifier}.js`
  if (existsSync(join(target, `index${ext}`))) return `${specifier}/index.js`
  throw new Error(`${relative(root, file)}: cannot resolve "${specifier}"`)
}
const specifiers = /((?:from|import)\s*\(?\s*)(['"])([^'"]+)\2/g
const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]

// Rewrites relative specifiers; gives the module's imports: files (absolute) and packages.
const rewrite = (file, ext) => {
  const text = readFileSync(file, 'utf8')
  const imports = { files: [], packages: [] }
  const fixed = text.replace(specifiers, (match, lead, quote, specifier) => {
    if (!specifier.startsWith('.')) {
      imports.packages.push(specifier)
      return match
    }
    const full = /\.(js|mjs|cjs|json)$/.test(specifier)
      ? specifier
      : withExtension(file, specifier, ext)
    imports.files.push(join(dirname(file), full))
    return `${lead}${quote}${full}${quote}`
  })
  if (fixed !== text) writeFileSync(file, fixed)
  return imports
}

for (const file of filesUnder(dist, '.d.ts')) rewrite(file, '.d.ts')
const graph = new Map(filesUnder(dist, '.js').map((file) => [file, rewrite(file, '.js')]))
for (const [file, { packages }] of graph) {
  for (const specifier of packages) {
    if (!allowed.has(packageOf(specifier))) {
      throw new Error(
        `${relative(root, file)} imports "${specifier}", not a dependency of the package`,
      )
    }
  }
}

// Every package an entry reaches through its static imports.
const reached = (entry) => {
  const seen = new Set([entry])
  const packages = new Set()
  for (const file of seen) {
    const node = graph.get(file)
    for (const next of node?.files ?? []) seen.add(next)
    for (const specifier of node?.packages ?? []) packages.add(packageOf(specifier))
  }
  return packages
}
for (const [entry, may] of Object.entries(entryPackages)) {
  const extra = [...reached(join(dist, entry))].filter((p) => p !== 'hono' && !may.includes(p))
  if (extra.length) throw new Error(`entry ${entry} reaches ${extra.join(', ')}`)
}
chmodSync(join(dist, 'bin', 'hono-scoped-jwt.js'), 0o755)
const shown = relative(root, dist).startsWith('..') ? dist : relative(root, dist)
console.log(
  `built ${shown}/: ${graph.size} modules, entries ${Object.keys(entryPackages).join(', ')}`,
)
