// Builds the published package into dist/: one ES module per entry point (`.` and `./client`),
// bundled by esbuild with every dependency left external, plus `.d.ts` files emitted by tsc.
//
// tsc keeps the source's extensionless relative imports in the `.d.ts` files; TypeScript projects
// on `moduleResolution: "node16"`/`"nodenext"` cannot resolve those, so they are rewritten to the
// `.js` specifiers the published layout answers to. The build also fails when the bundle imports
// anything but the declared dependencies (a Node built-in would be caught here too).
//
//   node scripts/build.mjs [--out-dir DIR]    (default: dist; tests build elsewhere, in parallel)
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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

rmSync(dist, { recursive: true, force: true })

const result = await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', 'client/index': 'src/client/index.ts' },
  outdir: dist,
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  metafile: true,
  logLevel: 'warning',
})

const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  for (const { path } of output.imports) {
    if (!allowed.has(packageOf(path))) {
      throw new Error(`${file} imports "${path}", which is not a dependency of the package`)
    }
  }
}

const tscArgs = ['-p', 'tsconfig.build.json', '--outDir', dist]
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), tscArgs, {
  cwd: root,
  stdio: 'inherit',
})
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

const declarations = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return declarations(path)
    return path.endsWith('.d.ts') ? [path] : []
  })

// `from './x'` → './x.js', or './x/index.js' for a folder.
const withExtension = (file, specifier) => {
  const target = join(dirname(file), specifier)
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`
  throw new Error(`${relative(root, file)}: cannot resolve "${specifier}"`)
}
for (const file of declarations(dist)) {
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(
    /((?:from|import)\s*\(?\s*)(['"])(\.\.?\/[^'"]*?)\2/g,
    (match, lead, quote, specifier) =>
      /\.(js|mjs|cjs|json)$/.test(specifier)
        ? match
        : `${lead}${quote}${withExtension(file, specifier)}${quote}`,
  )
  if (fixed !== text) writeFileSync(file, fixed)
}
console.log(`built ${relative(root, dist)}/: ${Object.keys(result.metafile.outputs).join(', ')}`)
