import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { runToEnd, start } from '../conformance/processes.ts'
import { keptStatements } from './droppable.ts'
import { commandChecks, entryChecks } from './entries.ts'
import { checkGraph, problemsIn } from './neutral.ts'
import * as scratch from './scratch.ts'

// The package as users get it: the library stays runtime-neutral (source check), `npm pack` holds
// only the build, README and LICENSE, `deno publish --dry-run` passes, and the tarball installed
// into a scratch project outside the repo runs a minimal app under Node, Bun, Deno and workerd.
// Prints `package (<check>): N passed, N failed` per check.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` }
const lines: string[] = []
let failedTotal = 0

/** Runs one named check made of sub-checks; a thrown error fails the check as a whole. */
const check = async (
  name: string,
  fn: () => Promise<{ name: string; ok: boolean; detail?: string }[]>,
) => {
  const started = performance.now()
  let results: { name: string; ok: boolean; detail?: string }[]
  try {
    results = await fn()
  } catch (error) {
    results = [{ name, ok: false, detail: (error as Error).message }]
  }
  for (const r of results.filter((r) => !r.ok))
    console.log(`  ✗ ${name} › ${r.name}\n    ${r.detail}`)
  const failed = results.filter((r) => !r.ok).length
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const line = `package (${name}): ${results.length - failed} passed, ${failed} failed, ${seconds}s`
  console.log(line)
  lines.push(line)
  failedTotal += failed
}

const ok = (name: string, pass: boolean, detail = '') => ({ name, ok: pass, detail })
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
const packages = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
])

// The library's entry points (package.json `exports`), as sources; the command (`bin`) runs on
// Node and is not part of the library.
const entryPoints = Object.keys(pkg.exports).filter((k) => k !== './package.json')
const libraryEntries = entryPoints.map((k) =>
  k === '.' ? 'src/index.ts' : k === './client' ? 'src/client/index.ts' : `src/${k.slice(2)}.ts`,
)

const flagged = [
  "import { readFile } from 'node:fs/promises'",
  "import crypto from 'crypto'",
  "export { Database } from 'bun:sqlite'",
  "const { env } = await import('cloudflare:workers')",
  "import left from 'left-pad'",
  'const port = process.env.PORT',
  "const bytes = Buffer.from('x')",
  "const home = Deno.env.get('HOME')",
  'const file = Bun.file(path)',
  "const fs = require('fs')",
  "const p = globalThis['process']",
  '/// <reference types="node" />',
]
const clean = [
  "import { Hono } from 'hono'",
  "import type { JWK } from 'jose'",
  "import { bearer } from './bearer'",
  "const message = 'process the Buffer'",
  '// process.env is not read here',
  'const options = { process: true, Buffer: 1 }',
  'const n = task.process.pid',
  "declare module 'hono' { interface ContextVariableMap { token: string } }",
]

await check('neutral', async () => {
  const { files, problems } = checkGraph(root, libraryEntries, packages)
  console.log(`  ${files.length} library files checked for runtime-specific imports and globals`)
  return [
    ok(
      'the library imports reach its files',
      files.includes('src/auth/verify/verify.ts'),
      files.join(),
    ),
    ok('no runtime-specific import or global', problems.length === 0, problems.join('\n    ')),
    // The check itself: what it must flag, and what it must leave alone.
    ...flagged.map((source) =>
      ok(`flags: ${source}`, problemsIn(source, packages).length > 0, 'not flagged'),
    ),
    ...clean.map((source) =>
      ok(
        `accepts: ${source}`,
        problemsIn(source, packages).length === 0,
        problemsIn(source, packages).join(),
      ),
    ),
  ]
})

await check('droppable', async () => {
  const { files } = checkGraph(root, libraryEntries, packages)
  const { kept, probeCaught } = await keptStatements(root, files)
  const found = Object.entries(kept).map(([file, lines]) => `${file}: ${lines.join(' | ')}`)
  return [
    ok(
      'no library module does work at import (a bundler drops what is unused)',
      !found.length,
      found.join('\n    '),
    ),
    ok('flags a module that does (new TextEncoder() at module level)', probeCaught, 'not flagged'),
  ]
})

const scratchDir = mkdtempSync(join(tmpdir(), 'hsj-package-'))
try {
  let tarball = ''
  await check('contents', async () => {
    // What `files` lets into the tarball, read from the repository without building (read-only).
    const dry = await runToEnd(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      env,
      root,
    )
    const repoFiles: string[] = JSON.parse(dry.slice(dry.indexOf('[')))[0].files.map(
      (f: { path: string }) => f.path,
    )
    // The tarball itself, built and packed in the scratch directory: several test runs may share
    // the repository, and `npm pack` there would rebuild dist/ under the others' feet.
    const pkgDir = join(scratchDir, 'pkg')
    mkdirSync(pkgDir)
    for (const file of ['package.json', 'README.md', 'LICENSE']) {
      copyFileSync(join(root, file), join(pkgDir, file))
    }
    await runToEnd(bin('node'), ['scripts/build.mjs', '--out-dir', join(pkgDir, 'dist')], env, root)
    const packArgs = ['pack', '--json', '--ignore-scripts', '--pack-destination', scratchDir]
    const out = await runToEnd('npm', packArgs, env, pkgDir, 120_000)
    const [info] = JSON.parse(out.slice(out.indexOf('[')))
    tarball = join(scratchDir, info.filename)
    const files: string[] = info.files.map((f: { path: string }) => f.path).sort()
    console.log(
      `  ${info.filename}: ${files.length} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`,
    )
    console.log(`  ${files.join(' ')}`)
    const allowed = (f: string) =>
      ['LICENSE', 'README.md', 'package.json'].includes(f) || /^dist\/.+\.(js|d\.ts)$/.test(f)
    // The library's entries (built), and the command: it runs on Node, so its file is left out of
    // the neutrality check.
    const builtEntries = libraryEntries.map((f) =>
      f.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js'),
    )
    const command = pkg.bin['hono-scoped-jwt'].replace(/^\.\//, '')
    const required = [
      'LICENSE',
      'README.md',
      ...builtEntries.flatMap((f) => [f, f.replace(/\.js$/, '.d.ts')]),
      command,
    ]
    const exportsField = pkg.exports ?? {}
    const rootGraph = checkGraph(pkgDir, ['dist/index.js'], new Set(['hono']))
    const builtGraph = checkGraph(pkgDir, builtEntries, packages)
    return [
      ok(
        'only the build, README and LICENSE',
        [...files, ...repoFiles].every(allowed),
        [...files, ...repoFiles].filter((f) => !allowed(f)).join(),
      ),
      ok(
        'the entry points are there',
        required.every((f) => files.includes(f)),
        required.join(),
      ),
      ok(
        'exports every entry point with types',
        [
          '.',
          './mint',
          './airflow',
          './openapi',
          './zod',
          './remote',
          './dpop',
          './issuers',
          './client',
        ].every((k) => exportsField[k]?.types && exportsField[k]?.default),
        JSON.stringify(exportsField),
      ),
      // One file per entry and the chunks entries share (a module in exactly one of them), a
      // declaration file per source module.
      ok(
        'entry points and shared chunks, declarations per module',
        files.every(
          (f) => !f.endsWith('.js') || required.includes(f) || f.startsWith('dist/chunks/'),
        ) &&
          files.includes('dist/auth/verify/verify.d.ts') &&
          files.includes('dist/auth/mint/issuer.d.ts'),
        files.filter((f) => f.endsWith('.js')).join(),
      ),
      ok(
        "the root's files reach hono alone, neither zod nor jose",
        rootGraph.problems.length === 0 &&
          rootGraph.files.some((f) => f.startsWith('dist/chunks/')),
        [...rootGraph.problems, ...rootGraph.files].join('\n    '),
      ),
      ok(
        'the built entries are runtime-neutral',
        builtGraph.problems.length === 0,
        builtGraph.problems.join('\n    '),
      ),
      ok('sideEffects is false', pkg.sideEffects === false),
      ok(
        'hono is a peer, not a dependency',
        !!pkg.peerDependencies?.hono && !pkg.dependencies?.hono,
      ),
    ]
  })

  await check('jsr', async () => {
    // Slow types (inferred public types) are allowed for now: see the README's "Runtimes".
    const args = ['publish', '--dry-run', '--allow-dirty']
    const out = await runToEnd(bin('deno'), args, { ...env, NO_COLOR: '1' }, root, 120_000)
    return [ok('deno publish --dry-run', out.includes('Success Dry run complete'), out)]
  })

  const app = join(scratchDir, 'app')
  mkdirSync(app)
  await check('install', async () => {
    const manifest = {
      name: 'scratch-app',
      private: true,
      type: 'module',
      dependencies: { 'hono-scoped-jwt': `file:${tarball}`, hono: pkg.devDependencies.hono },
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2))
    for (const [file, text] of Object.entries({
      'check.mjs': scratch.checkModule,
      'main.mjs': scratch.mainModule,
      'worker.mjs': scratch.workerModule,
      'types.ts': scratch.typesModule,
      'tsconfig.json': scratch.tsconfig,
    })) {
      writeFileSync(join(app, file), text)
    }
    const install = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts']
    await runToEnd('npm', install, env, app, 180_000)
    await runToEnd(bin('tsc'), ['-p', 'tsconfig.json'], env, app)
    return [ok('installed from the tarball; types resolve under nodenext', true)]
  })

  await check('entries', () =>
    entryChecks(app, env, bin('node'), join(root, 'node_modules', 'zod'), entryPoints),
  )
  await check('command', () => commandChecks(app, env))

  const resultOf = (out: string) => {
    const line = out.split('\n').find((l) => l.includes('RESULT '))
    if (!line) throw new Error(`no RESULT line:\n${out}`)
    return JSON.parse(line.slice(line.indexOf('RESULT ') + 7))
  }
  await check('node', async () => resultOf(await runToEnd(bin('node'), ['main.mjs'], env, app)))
  await check('bun', async () => resultOf(await runToEnd(bin('bun'), ['main.mjs'], env, app)))
  await check('deno', async () =>
    resultOf(
      await runToEnd(bin('deno'), ['run', '--allow-env', '--allow-read', 'main.mjs'], env, app),
    ),
  )
  await check('workerd', async () => {
    // Bundled as wrangler would (workerd conditions), then run by workerd's own test runner.
    await build({
      absWorkingDir: app,
      entryPoints: ['worker.mjs'],
      outfile: join(app, 'worker.bundle.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'warning',
    })
    const date = /compatibility_date\s*=\s*"([\d-]+)"/.exec(
      readFileSync(join(root, 'wrangler.toml'), 'utf8'),
    )?.[1]
    writeFileSync(
      join(app, 'config.capnp'),
      scratch.workerdConfig('worker.bundle.js', date ?? '2026-11-01'),
    )
    const out = await runToEnd(bin('workerd'), ['test', 'config.capnp'], env, app)
    return resultOf(out)
  })

  // The README's "Your own service", file for file, on the installed tarball: its workers-pool
  // tests pass with a developer's broken .dev.vars beside them, and its Node, Bun and Deno servers
  // answer a token minted with their key.
  await check('own service', async () => {
    const own = join(app, 'own')
    const files = scratch.ownServiceFiles(readFileSync(join(root, 'README.md'), 'utf8'))
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(own, file)), { recursive: true })
      writeFileSync(join(own, file), text)
    }
    // The dev dependencies the section names, from this repository rather than the registry.
    for (const name of ['vitest', '@cloudflare/vitest-plugin', 'wrangler', '@hono/node-server']) {
      mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true })
      symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir')
    }
    writeFileSync(join(own, '.dev.vars'), "JWT_PRIVATE_JWK='not a key'\n")
    const plain = { ...env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' }
    const vitest = await runToEnd(bin('vitest'), ['run'], plain, own, 180_000)
    const tests = /Tests\s+(\d+) passed/.exec(vitest)
    const results = [
      ok('README files', Object.keys(files).length === 8, Object.keys(files).join()),
      ok('workers-pool tests pass beside a broken .dev.vars', tests?.[1] === '2', vitest),
    ]

    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true })
    const jwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', kid: 'own-service' }
    const id = crypto.randomUUID()
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({ scope: 'execution' })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
      .setSubject(id)
      .setAudience('urn:airflow.apache.org:task')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(privateKey)
    const servers: [string, string, string[]][] = [
      ['node', bin('node'), ['serve/node.ts']],
      ['bun', bin('bun'), ['serve/bun.ts']],
      [
        'deno',
        bin('deno'),
        ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'serve/deno.ts'],
      ],
    ]
    for (const [name, cmd, args] of servers) {
      const port = await freePort()
      const server = start(
        cmd,
        args,
        { ...env, PORT: String(port), JWT_PRIVATE_JWK: JSON.stringify(jwk) },
        own,
      )
      try {
        const [, base] = await server.waitFor(/[Ll]istening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000)
        const res = await fetch(`${base}/api/task-instances/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        })
        const body = await res.text()
        results.push(
          ok(
            `serve/${name}.ts answers the token`,
            body === JSON.stringify({ sub: id }),
            `${res.status} ${body}\n${server.log()}`,
          ),
        )
      } catch (error) {
        results.push(
          ok(
            `serve/${name}.ts answers the token`,
            false,
            `${(error as Error).message}\n${server.log()}`,
          ),
        )
      } finally {
        await server.stop()
      }
    }
    return results
  })
} finally {
  rmSync(scratchDir, { recursive: true, force: true })
}

console.log(`\n${lines.join('\n')}`)
process.exitCode = failedTotal ? 1 : 0
