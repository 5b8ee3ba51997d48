import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { createApp } from '../execution-api/app'
import type { ExecutionBindings } from '../execution-api/config'
import { SqliteD1, type SqliteDatabase } from './d1-sqlite'
import { applyMigrations } from './migrations'

// What the Node, Bun and Deno entries share: settings from environment variables, the SQLite
// database (created and migrated on first start) and the Execution API app built once over it.

/** Reads one environment variable; each runtime passes its own. */
export type EnvReader = (name: string) => string | undefined

/** Where and how the server runs. */
export interface ServeSettings {
  /** Always the loopback interface: these servers are for local use and tests. */
  hostname: '127.0.0.1'
  /** `PORT`; `0` picks a free port. Default: `8787`, as `wrangler dev`. */
  port: number
  /** `DB_PATH`, the SQLite file. Default: `.wrangler/serve/execution-api.sqlite`. */
  dbPath: string
  /** `MIGRATIONS_DIR`. Default: `migrations`, the Worker's migration files. */
  migrationsDir: string
}

/** The environment variables read as the Worker's bindings of the same names (contract §2). */
const bindingNames = [
  'JWT_PRIVATE_JWK',
  'JWT_SECRET',
  'JWT_PUBLIC_JWKS',
  'JWT_PREVIOUS_SECRET',
  'JWT_PREVIOUS_SECRET_UNTIL',
  'JWKS_URL',
  'JWT_AUDIENCE',
  'JWT_ISSUER',
  'JWT_LEEWAY',
  'JWT_EXPIRATION_TIME',
  'WORKLOAD_TOKEN_EXPIRATION_TIME',
  'MULTI_TEAM',
] as const

export const serveSettings = (env: EnvReader): ServeSettings => {
  const port = Number(env('PORT') ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`"PORT" must be a port number, got ${JSON.stringify(env('PORT'))}`)
  }
  return {
    hostname: '127.0.0.1',
    port,
    dbPath: resolve(env('DB_PATH') || '.wrangler/serve/execution-api.sqlite'),
    migrationsDir: resolve(env('MIGRATIONS_DIR') || 'migrations'),
  }
}

/**
 * The Worker's `ASSETS` binding on a plain server: files of the installed `swagger-ui-dist`
 * package, by name (the app asks for the two files of its docs page only).
 */
const packageAssets = (dir: string): NonNullable<ExecutionBindings['ASSETS']> => ({
  fetch: async (request) => {
    const name = basename(new URL(request.url).pathname)
    try {
      return new Response(await readFile(join(dir, name)))
    } catch {
      return new Response(null, { status: 404 })
    }
  },
})

/** A running Execution API: answer requests with `fetch`, stop with `close`. */
export interface ExecutionApiServer {
  settings: ServeSettings
  fetch: (request: Request) => Response | Promise<Response>
  close: () => void
}

/**
 * Opens (or creates) the database, applies pending migrations and builds the app. Throws on a
 * setting the server must not start with, as the Worker refuses its bindings.
 */
export const openExecutionApi = (
  env: EnvReader,
  open: (path: string) => SqliteDatabase,
): ExecutionApiServer => {
  const settings = serveSettings(env)
  mkdirSync(dirname(settings.dbPath), { recursive: true })
  const db = new SqliteD1(open(settings.dbPath))
  try {
    const applied = applyMigrations(db.sqlite, settings.migrationsDir)
    if (applied.length) console.log(`execution-api: applied ${applied.join(', ')}`)
    const bindings: ExecutionBindings = {
      DB: db.asD1(),
      ASSETS: packageAssets(resolve('node_modules', 'swagger-ui-dist')),
    }
    for (const name of bindingNames) bindings[name] = env(name)
    const app = createApp(bindings)
    return { settings, fetch: (request) => app.fetch(request, bindings), close: () => db.close() }
  } catch (error) {
    db.close()
    throw error
  }
}

/** The line a server prints once it listens; test runners read the port from it. */
export const listeningLine = (runtime: string, port: number) =>
  `execution-api (${runtime}): listening on http://127.0.0.1:${port}`
