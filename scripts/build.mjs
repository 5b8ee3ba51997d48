// Builds the published package into dist/: one ESM file per entry point (package.json `exports`
// and `bin`, read here, so a new subpath needs no change to this script) and the chunks they
// share (esbuild's code splitting), with a `.d.ts` per source module (tsc).
//
// Why entries and chunks rather than one file per module: Node loads every file through its ESM
// loader (resolve, read, compile, link), about 0.3 ms a file, and the root entry reached 42 of
// ours; its code evaluated at module level costs under 1 ms. Each source module still lands in
// exactly one output file (a chunk is shared only by the entries that reach it, so classes keep
// one identity). A user's bundler drops the files a Worker imports nothing from (`sideEffects:
// false`) and, in the files it does import from, every statement it can prove free of effects:
// module-level work (an encoder, a table built by calls) stays in every Worker that imports its
// chunk, so the source must not do any; bench/package.mjs lists what a bundler keeps.
//
// The build fails when an output imports anything but the declared dependencies (a Node built-in
// would be caught here too), and when an entry point reaches a package it must not: zod and jose
// only from the entries that need them (`entryPackages` below), hono from any.
//
//   node scripts/build.mjs [--out-dir DIR]    (default: dist; tests build elsewhere, in parallel)
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
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

// The packages other than hono an entry (its file under dist/) may reach; any other entry reaches
// hono alone. The command reaches none (WebCrypto only: it runs from the installed package alone).
const entryPackages = {
  'mint.js': ['jose'],
  'airflow.js': ['zod'],
  'openapi.js': ['zod'],
}

// Every entry: its file under dist/ (without `.js`) → its source under src/. From `exports` (the
// `default` or `import` target of each subpath under ./dist/) and from `bin`.
const targets = [
  ...Object.values(pkg.exports ?? {}).map((t) =>
    typeof t === 'string' ? t : (t.default ?? t.import),
  ),
  ...Object.values(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {})),
].filter((t) => typeof t === 'string' && /^\.\/dist\/.+\.js$/.test(t))
const entries = Object.fromEntries(
  targets.map((t) => [
    t.slice('./dist/'.length, -'.js'.length),
    t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
  ]),
)
for (const source of Object.values(entries)) {
  if (!existsSync(join(root, source))) throw new Error(`missing entry ${source}`)
}
for (const file of Object.keys(entryPackages)) {
  if (!(file.slice(0, -'.js'.length) in entries)) throw new Error(`${file} is not an entry`)
}

rmSync(dist, { recursive: true, force: true })

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: Object.entries(entries).map(([out, source]) => ({ in: source, out })),
  outdir: dist,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: 'external',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  metafile: true,
  logLevel: 'warning',
})

// Declarations per source module, for the entries: a config beside no one's files (tests build
// in parallel) extending tsconfig.build.json with this build's entries.
const configDir = mkdtempSync(join(tmpdir(), 'hsj-build-'))
let tsc
try {
  const config = join(configDir, 'tsconfig.json')
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.build.json'),
      compilerOptions: { rootDir: join(root, 'src'), outDir: dist },
      include: [],
      files: Object.values(entries).map((source) => join(root, source)),
    }),
  )
  tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', config], {
    cwd: root,
    stdio: 'inherit',
  })
} finally {
  rmSync(configDir, { recursive: true, force: true })
}
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

// The declarations' relative specifiers are extensionless (`./keys`); TypeScript under
// `moduleResolution: "node16"`/`"nodenext"` needs `./keys.js` (or `./keys/index.js` for a folder).
const withExtension = (file, specifier) => {
  const target = join(dirname(file), specifier)
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`
  throw new Error(`${relative(root, file)}: cannot resolve "${specifier}"`)
}
const specifiers = /((?:from|import)\s*\(?\s*)(['"])(\.[^'"]*)\2/g
for (const name of readdirSync(dist, { recursive: true })) {
  const file = join(dist, String(name))
  if (!file.endsWith('.d.ts')) continue
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(specifiers, (match, lead, quote, specifier) =>
    /\.(js|mjs|cjs|json)$/.test(specifier)
      ? match
      : `${lead}${quote}${withExtension(file, specifier)}${quote}`,
  )
  if (fixed !== text) writeFileSync(file, fixed)
}

// The output graph, from esbuild's metafile: each file's chunks and its packages.
const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
const outputs = metafile.outputs
for (const [file, { imports }] of Object.entries(outputs)) {
  for (const { path, external } of imports) {
    if (external && !allowed.has(packageOf(path))) {
      throw new Error(`${file} imports "${path}", not a dependency of the package`)
    }
  }
}
const reached = (entry) => {
  const seen = new Set([entry])
  const packages = new Set()
  for (const file of seen) {
    for (const { path, external } of outputs[file]?.imports ?? []) {
      if (external) packages.add(packageOf(path))
      else seen.add(path)
    }
  }
  return { files: seen, packages }
}
const out = (file) => relative(root, join(dist, file))
for (const entry of Object.keys(entries)) {
  const may = entryPackages[`${entry}.js`] ?? []
  const extra = [...reached(out(`${entry}.js`)).packages].filter(
    (p) => p !== 'hono' && !may.includes(p),
  )
  if (extra.length) throw new Error(`entry ${entry}.js reaches ${extra.join(', ')}`)
}
for (const bin of Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : (pkg.bin ?? {}))) {
  chmodSync(join(dist, bin.replace(/^\.\/dist\//, '')), 0o755)
}
const shown = relative(root, dist).startsWith('..') ? dist : relative(root, dist)
const chunks = Object.keys(outputs).filter((f) => f.endsWith('.js') && f.includes('/chunks/'))
console.log(
  `built ${shown}/: entries (+ the files each imports) ${Object.keys(entries)
    .map((e) => `${e}.js (+${reached(out(`${e}.js`)).files.size - 1})`)
    .join(', ')}; ${chunks.length} chunks`,
)
