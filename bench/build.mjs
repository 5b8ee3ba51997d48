// Type-checks the bench and bundles bench/run.ts into bench/.bench-out/run.mjs: one file that node,
// bun and deno all run, so every runtime runs the same code (and no runtime resolves TS imports);
// and bench/http-server.ts into bench/.bench-out/http-server.mjs for the HTTP benchmark on Node.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
export const outDir = join(root, 'bench', '.bench-out')

// esbuild comes with wrangler; resolved from there so that it is found however npm lays it out.
const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'))
export const esbuild = fromWrangler('esbuild')

export const build = async () => {
  const tsc = join(root, 'node_modules', '.bin', 'tsc')
  execFileSync(tsc, ['--noEmit', '-p', 'bench/tsconfig.json'], { cwd: root, stdio: 'inherit' })
  execFileSync(tsc, ['--noEmit', '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'inherit' })
  await esbuild.build({
    entryPoints: [join(root, 'bench', 'run.ts')],
    outfile: join(outDir, 'run.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    // mitata probes for these at run time; each runtime provides its own or goes without.
    external: ['bun:jsc', 'node:*'],
    logLevel: 'warning',
  })
  // The HTTP benchmark's servers: Node only, with the peers' packages as they are installed.
  await esbuild.build({
    entryPoints: [join(root, 'bench', 'http-server.ts')],
    outfile: join(outDir, 'http-server.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build()
