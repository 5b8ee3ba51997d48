// The minimal Workers bench/package.mjs measures, written as a user would on the installed package
// (its entry points, hono's own middleware for the peers), and the redirection that builds the
// reference Worker from the repository's source against the installed package instead of src/.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const compatibilityDate = (root) =>
  /compatibility_date\s*=\s*"([\d-]+)"/.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))?.[1]

const honoApp = (imports, setup, route = "app.get('/', (c) => c.text('ok'))") => `${imports}
const app = new Hono()
${setup}
${route}
export default app
`

// A table built on first request: a Worker's secrets arrive with the request, not at import.
const tableWorker = (validated) => `import { Hono } from 'hono'
import { accessTokenProfile, jwtAuth, routeBuilders, routeTable } from 'hono-scoped-jwt'
${validated ? "import * as z from 'zod'\n" : ''}
const build = (env) => {
  const auth = jwtAuth({ secret: env.JWT_SECRET, algorithms: ['HS256'], audience: 'api', profile: accessTokenProfile() })
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const tasks = defineGroup({
    path: '/orgs/:org_id/tasks',
    scopes: ['tasks:read'],
    routes: [
      defineRoute({ method: 'get', path: '/', handler: (c) => c.json({ tasks: [] }) }),
      defineRoute({
        method: 'post',
        path: '/',
        scopes: ['tasks:write'],${
          validated
            ? `
        validate: { json: z.object({ title: z.string().min(1), due: z.iso.datetime().optional() }) },`
            : ''
        }
        handler: (c) => c.json({ created: true }, 201),
      }),
    ],
  })
  return routeTable(tasks, { auth }).mount(new Hono())
}
let app
export default {
  fetch: (request, env, ctx) => (app ??= build(env)).fetch(request, env, ctx),
}
`

/**
 * The Workers, in the order printed: `slug` (folder), `name`, `source` or `fromRepository` (an
 * entry under the repository), `wrangler` (its wrangler.toml), and the issue's targets:
 * `sizeTarget` (gzip bytes), `startupRatio` (× hono/jwt's start-up).
 */
export const workerSources = (root) => {
  const toml = (slug, extra = '') =>
    `name = "bench-${slug}"\nmain = "worker.mjs"\ncompatibility_date = "${compatibilityDate(root) ?? '2026-11-01'}"\n${extra}`
  const workers = [
    {
      slug: 'hono',
      name: 'bare Hono',
      source: honoApp("import { Hono } from 'hono'", ''),
    },
    {
      slug: 'hono-jwt',
      name: '`hono/jwt` (HS256 secret)',
      source: honoApp(
        "import { Hono } from 'hono'\nimport { jwt } from 'hono/jwt'",
        "app.use('/*', (c, next) => jwt({ secret: c.env.JWT_SECRET, alg: 'HS256' })(c, next))",
      ),
    },
    {
      slug: 'hono-jwk',
      name: '`hono/jwk` (`jwks_uri`)',
      source: honoApp(
        "import { Hono } from 'hono'\nimport { jwk } from 'hono/jwk'",
        "app.use('/*', jwk({ jwks_uri: (c) => c.env.JWKS_URL, alg: ['RS256'] }))",
      ),
    },
    {
      slug: 'jwtauth-hs256',
      name: '`jwtAuth` alone (HS256 secret)',
      sizeTarget: 18_000,
      startupRatio: 1.25,
      source: honoApp(
        "import { Hono } from 'hono'\nimport { jwtAuth } from 'hono-scoped-jwt'\nlet auth",
        "app.use('/*', (c, next) => (auth ??= jwtAuth({ secret: c.env.JWT_SECRET, algorithms: ['HS256'], audience: 'api' }))(c, next))",
      ),
    },
    {
      slug: 'jwtauth-localkeys',
      name: '`jwtAuth` with `localKeys` (Ed25519 JWK)',
      source: honoApp(
        "import { Hono } from 'hono'\nimport { jwtAuth, localKeys } from 'hono-scoped-jwt'\nlet auth",
        "app.use('/*', (c, next) => (auth ??= jwtAuth({ keys: localKeys([c.env.JWT_PUBLIC_JWK]), algorithms: ['EdDSA'], audience: 'api' }))(c, next))",
      ),
    },
    {
      slug: 'jwtauth-jwks',
      name: '`jwtAuth` with `remoteKeys`',
      source: honoApp(
        "import { Hono } from 'hono'\nimport { jwtAuth } from 'hono-scoped-jwt'\nimport { remoteKeys } from 'hono-scoped-jwt/remote'\nlet auth",
        "app.use('/*', (c, next) => (auth ??= jwtAuth({ keys: remoteKeys(c.env.JWKS_URL), algorithms: ['RS256'], audience: 'api' }))(c, next))",
      ),
    },
    {
      slug: 'route-table',
      name: 'route table (no validators)',
      sizeTarget: 22_000,
      source: tableWorker(false),
    },
    { slug: 'route-table-zod', name: 'route table with zod validators', source: tableWorker(true) },
    {
      slug: 'reference',
      name: 'the reference Worker (src/execution-api on the package)',
      fromRepository: 'src/execution-api/worker.ts',
      extra:
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "execution-api"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\n',
    },
  ]
  return workers.map((w) => ({ ...w, wrangler: toml(w.slug, w.extra) }))
}

/**
 * An esbuild plugin for building repository source against the scratch project: a relative
 * import that lands on a package entry's source (`src/index.ts`, `src/mint.ts`, …) is answered by
 * the installed package's file for that entry, and a bare import (hono, zod) from repository source
 * resolves in the scratch project when installed there. `sourceFiles()` lists library files still taken from src/.
 */
export const entryRedirects = (root, app, installed) => {
  const packageDir = join(app, 'node_modules', installed.name)
  const entries = new Map()
  for (const [key, value] of Object.entries(installed.exports ?? {})) {
    if (key === './package.json') continue
    const target = typeof value === 'string' ? value : (value.default ?? value.import)
    const name = key === '.' ? 'index' : key.slice(2)
    for (const source of [`src/${name}.ts`, `src/${name}/index.ts`]) {
      entries.set(join(root, source), join(packageDir, target))
    }
  }
  const fromSource = new Set()
  const src = join(root, 'src')
  const library = (file) => file.startsWith(src) && !file.startsWith(join(src, 'execution-api'))
  const plugin = {
    name: 'package-entries',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(root)) return undefined
        const base = resolve(args.resolveDir, args.path)
        for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
          if (entries.has(candidate)) return { path: entries.get(candidate) }
          if (existsSync(candidate) && candidate.endsWith('.ts')) {
            if (library(candidate)) fromSource.add(candidate.slice(root.length + 1))
            return { path: candidate }
          }
        }
        return undefined
      })
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.scratch || !args.importer.startsWith(root)) return undefined
        if (args.path.startsWith('cloudflare:')) return { path: args.path, external: true }
        const inScratch = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: app,
          pluginData: { scratch: true },
        })
        // The Worker's own dependencies (@hono/swagger-ui) are the repository's, not a user's.
        return inScratch.errors.length ? undefined : inScratch
      })
    },
  }
  return { plugin, sourceFiles: () => [...fromSource].sort() }
}
