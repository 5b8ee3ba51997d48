import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { build } from 'esbuild'
import { runToEnd, start } from './processes.ts'

// Starts the Execution API on one runtime, on a free loopback port, over a fresh database holding
// the seed: Node, Bun and Deno run src/serve/*.ts over SQLite; workerd runs the Worker itself
// through `wrangler dev` over local D1. Settings are the same environment/bindings everywhere.

export const runtimes = ['workerd', 'node', 'bun', 'deno'] as const
export type Runtime = (typeof runtimes)[number]
export type SqliteRuntime = Exclude<Runtime, 'workerd'>

export interface Server {
  baseUrl: string
  log: () => string
  stop: () => Promise<void>
}

export interface ServerOptions {
  root: string
  /** A scratch directory for this server (database, env file, bundle). */
  dir: string
  /** Settings, as environment variables named after the Worker's bindings. */
  settings: Record<string, string>
  seedSql: string
}

const bin = (root: string, name: string) => join(root, 'node_modules', '.bin', name)
const startupMs = 60_000

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })

export const childEnv = (
  options: Pick<ServerOptions, 'root' | 'dir' | 'settings'>,
  extra: Record<string, string> = {},
) => ({
  PATH: `${join(options.root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  HOME: process.env.HOME ?? options.dir,
  TMPDIR: process.env.TMPDIR ?? '/tmp',
  ...options.settings,
  ...extra,
})

/** The command that serves the app on each SQLite runtime (as the npm scripts do). */
export const sqliteCommand = async (
  runtime: SqliteRuntime,
  options: Pick<ServerOptions, 'root'>,
) => {
  if (runtime === 'bun') return [bin(options.root, 'bun'), join('src', 'serve', 'bun.ts')]
  if (runtime === 'deno') {
    const perms = ['--allow-net=127.0.0.1', '--allow-env', '--allow-read', '--allow-write']
    return [bin(options.root, 'deno'), 'run', '--sloppy-imports', ...perms, 'src/serve/deno.ts']
  }
  // Node does not resolve the sources' extensionless imports: bundle first, as `serve:node` does,
  // next to node_modules (dependencies stay external), one file per runner process.
  const cache = join(options.root, 'node_modules', '.cache', 'hono-scoped-jwt')
  const outfile = join(cache, `serve-node-test-${process.pid}.mjs`)
  process.once('exit', () => rmSync(outfile, { force: true }))
  await build({
    absWorkingDir: options.root,
    entryPoints: ['src/serve/node.ts'],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  })
  return [bin(options.root, 'node'), '--disable-warning=ExperimentalWarning', outfile]
}

const startSqlite = async (runtime: SqliteRuntime, options: ServerOptions) => {
  const [cmd, ...args] = await sqliteCommand(runtime, options)
  const dbPath = join(options.dir, 'execution-api.sqlite')
  const env = childEnv(options, { PORT: '0', DB_PATH: dbPath })
  const server = start(cmd as string, args, env, options.root)
  try {
    const [, baseUrl] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, startupMs)
    // The server created the database and applied the migrations; add what a scheduler would.
    const db = new DatabaseSync(dbPath)
    try {
      db.exec('PRAGMA busy_timeout = 5000')
      db.exec(options.seedSql)
    } finally {
      db.close()
    }
    return { baseUrl: baseUrl as string, log: server.log, stop: server.stop }
  } catch (error) {
    await server.stop()
    throw new Error(`${(error as Error).message}\n${server.log()}`)
  }
}

const startWorkerd = async (options: ServerOptions): Promise<Server> => {
  const wrangler = bin(options.root, 'wrangler')
  const state = join(options.dir, 'state')
  const env = childEnv(options, { CI: '1', WRANGLER_SEND_METRICS: 'false' })
  // One `d1 execute` (each wrangler start costs seconds): the migration files in order, then the seed.
  const migrations = join(options.root, 'migrations')
  const files = readdirSync(migrations)
    .filter((name) => name.endsWith('.sql'))
    .sort()
  const sql = [
    ...files.map((name) => readFileSync(join(migrations, name), 'utf8')),
    options.seedSql,
  ]
  const seedFile = join(options.dir, 'seed.sql')
  writeFileSync(seedFile, sql.join('\n'))
  const execute = ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', seedFile]
  await runToEnd(wrangler, execute, env, options.root)

  // Secrets reach `wrangler dev` through an env file, as `.dev.vars` would carry them.
  const envFile = join(options.dir, 'dev.env')
  const quoted = Object.entries(options.settings).map(([k, v]) => `${k}='${v}'`)
  writeFileSync(envFile, `${quoted.join('\n')}\n`)
  const [port, inspector] = [await freePort(), await freePort()]
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port)]
  args.push('--inspector-port', String(inspector), '--persist-to', state, '--env-file', envFile)
  args.push('--show-interactive-dev-session=false', '--log-level', 'warn')
  const server = start(wrangler, args, env, options.root)
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + startupMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) break
    const ok = await fetch(`${baseUrl}/execution/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return { baseUrl, log: server.log, stop: server.stop }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await server.stop()
  throw new Error(`wrangler dev did not answer /execution/health:\n${server.log()}`)
}

export const startServer = (runtime: Runtime, options: ServerOptions): Promise<Server> =>
  runtime === 'workerd' ? startWorkerd(options) : startSqlite(runtime, options)
