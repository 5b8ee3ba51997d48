// Shared by the local development commands (`npm run dev`, `queue`, `token`). They run on Node 22
// outside the Worker, so they may use node: built-ins; tokens are minted as the Worker mints them.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const database = 'execution-api'
const bin = join(root, 'node_modules', '.bin')
const wranglerJs = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js')

/** The options every command shares, as `--help` describes them. */
const sharedHelp = `  --vars FILE        the dev vars file with the key (default: .dev.vars)
  --persist-to DIR   wrangler's local state (default: .wrangler/state)
  -h, --help         print this help`

/**
 * Parses argv with the options every command shares: `--vars FILE`, `--persist-to DIR` and
 * `--help`, which prints `usage` (then the shared options) and exits.
 */
export const args = (options, usage) => {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        vars: { type: 'string' },
        'persist-to': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...options,
      },
      strict: true,
    }))
  } catch (error) {
    throw new Error(`${error.message} (--help lists the options)`)
  }
  if (values.help) {
    process.stdout.write(`${usage.trim()}\n${sharedHelp}\n`)
    process.exit(0)
  }
  return {
    ...values,
    vars: resolve(values.vars ?? join(root, '.dev.vars')),
    persistTo: values['persist-to'] && resolve(values['persist-to']),
  }
}

/** KEY=VALUE lines of a dotenv file (quotes removed); `{}` when there is none. */
export const readVars = (file) => {
  if (!existsSync(file)) return {}
  const vars = {}
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match) continue
    const [, key, raw] = match
    vars[key] = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw
  }
  return vars
}

/** The `[vars]` of wrangler.toml: flat `KEY = "value"` lines are all it holds. */
const tomlVars = () => {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8')
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(toml)?.[1] ?? ''
  return Object.fromEntries(
    [...section.matchAll(/^\s*([A-Z_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]),
  )
}

/** The settings `wrangler dev` gives the Worker: wrangler.toml's vars, then the vars file. */
export const settings = (varsFile) => ({ ...tomlVars(), ...readVars(varsFile) })

/**
 * Signs a token with the development key, through the library's issuer and the Worker's reading of
 * its bindings (src/cli/mint.ts), bundled once per call: Node cannot import the TypeScript sources.
 */
export const mint = async (env, { sub, scope = 'execution', ttl }) => {
  const lifetime = ttl === undefined ? undefined : Number(ttl)
  if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime > 0)) {
    throw new Error(`--ttl must be a positive integer: ${ttl}`)
  }
  const out = join(root, 'node_modules', '.cache', 'hono-scoped-jwt', 'mint.mjs')
  await build({
    entryPoints: [join(root, 'src', 'cli', 'mint.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile: out,
    logLevel: 'warning',
  })
  const { mint: mintToken } = await import(pathToFileURL(out).href)
  return mintToken(env, { sub, scope, ttl: lifetime })
}

/**
 * Runs wrangler from node_modules. `quiet` captures its output (printed only on failure) so that a
 * command's stdout stays machine-readable.
 */
export const wrangler = (argv, { quiet = false, prompts = false } = {}) =>
  new Promise((done, fail) => {
    // This Node (22, from node_modules) runs wrangler, and comes first on PATH for its children.
    const child = spawn(process.execPath, [wranglerJs, ...argv], {
      cwd: root,
      // CI=true: no confirmation prompt before applying migrations; `wrangler dev` keeps its keys.
      env: {
        ...process.env,
        PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
        ...(prompts ? {} : { CI: 'true' }),
        WRANGLER_SEND_METRICS: 'false',
      },
      stdio: quiet
        ? ['ignore', 'pipe', 'pipe']
        : prompts
          ? 'inherit'
          : ['ignore', 'inherit', 'inherit'],
    })
    const output = []
    child.stdout?.on('data', (chunk) => output.push(chunk))
    child.stderr?.on('data', (chunk) => output.push(chunk))
    child.on('error', fail)
    child.on('close', (code) => {
      const text = Buffer.concat(output).toString()
      if (code === 0) done(text)
      else
        fail(
          Object.assign(new Error(`wrangler ${argv.join(' ')} failed (${code})\n${text}`), {
            text,
          }),
        )
    })
  })

/** `--local` and, when given, `--persist-to` for wrangler's D1 commands. */
export const localD1 = (persistTo) => ['--local', ...(persistTo ? ['--persist-to', persistTo] : [])]

/** Applies the D1 migrations to the local database. */
export const migrate = (persistTo, options) =>
  wrangler(['d1', 'migrations', 'apply', database, ...localD1(persistTo)], options)

/** Prints a failure without a stack trace and exits non-zero. */
export const main = (run) =>
  run().catch((error) => {
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  })
