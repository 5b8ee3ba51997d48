// Key rotation with no failed request (issue 14): the README's rotation steps, run as written while
// task runners' requests flow, on Node and in workerd. A first service (the Execution API Worker)
// mints and rotates; a second one verifies its tokens through `remoteKeys`. `wrangler secret put` is a
// local stand-in that deploys the first service with the changed binding and returns once the new
// version serves (Node: the app is swapped between requests; workerd: wrangler's test harness
// reloads the Worker, holding requests meanwhile). Bounded: loopback only, a few seconds per runtime.
//
//   node test/rotation/run.ts   prints `rotation (<runtime>): N passed, N failed` per runtime
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { serve } from '@hono/node-server'
import { build } from 'esbuild'
import { createTestHarness } from 'wrangler'
import { changedFiles, filesSnapshot } from '../repo/files-snapshot.mjs'
import { isolatedWranglerConfig } from '../setup/wrangler-config.mjs'

type Lib = typeof import('./node-app.ts')
type Secrets = Record<string, string>

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const work = mkdtempSync(join(tmpdir(), 'hsj-rotation-'))
const deadline = Date.now() + 240_000
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
process.env.WRANGLER_SEND_METRICS = 'false'

// Short lifetimes so that "wait until every token has expired" takes seconds, not minutes.
const lifetime = 8
const settings = {
  JWT_EXPIRATION_TIME: String(lifetime),
  WORKLOAD_TOKEN_EXPIRATION_TIME: String(lifetime),
  JWT_LEEWAY: '0',
}
const verifier = { cooldownMs: 500, maxAgeMs: 1500 }
// README `sleep 600`: at least the verifier's cache age, twice over; `sleep 610`: lifetime + leeway.
// Each wait also lasts until half the requests have run through it (a busy machine serves fewer per
// second; waiting longer than the README says is always safe), at most `longestWait` seconds.
const publishWait = 3
const retireWait = lifetime + 1
const longestWait = 60
const runners = 8
const minRequests = 2000
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** A service that can be deployed again with other secrets: the Execution API. */
interface Deployable {
  url: string
  deploy: (secrets: Secrets) => Promise<void>
  stop: () => Promise<void>
}

interface Listening {
  url: string
  stop: () => Promise<void>
}

const listen = (handler: Parameters<typeof serve>[0]['fetch']) =>
  new Promise<Listening>((done) => {
    const server = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, (info) =>
      done({
        url: `http://127.0.0.1:${info.port}`,
        stop: () => new Promise((closed) => server.close(() => closed())),
      }),
    )
  })

const bundle = async (): Promise<Lib> => {
  const outfile = join(
    root,
    'node_modules',
    '.cache',
    'hono-scoped-jwt',
    `rotation-${process.pid}.mjs`,
  )
  process.once('exit', () => rmSync(outfile, { force: true }))
  await build({
    absWorkingDir: root,
    entryPoints: ['test/rotation/node-app.ts'],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  })
  return import(pathToFileURL(outfile).href)
}

// Node: one SQLite database, and a deployment is a new app for the new bindings; requests already
// running finish on the old one, as an old version's isolates do.
const nodeIssuer = async (lib: Lib, name: string, secrets: Secrets): Promise<Deployable> => {
  const db = new lib.SqliteD1(new DatabaseSync(join(work, `${name}.sqlite`)))
  lib.applyMigrations(db.sqlite, join(root, 'migrations'))
  const make = (s: Secrets) => {
    const bindings = { DB: db.asD1(), ...settings, ...s }
    return { app: lib.createApp(bindings), bindings }
  }
  let live = make(secrets)
  const server = await listen((request) => live.app.fetch(request, live.bindings))
  return {
    url: server.url,
    deploy: async (s) => {
      live = make(s)
    },
    stop: async () => {
      await server.stop()
      db.close()
    },
  }
}

const nodeVerifier = async (lib: Lib, jwksUrl: string): Promise<Listening> => {
  const app = lib.verifierApp({ jwksUrl, ...verifier })
  return listen((request) => app.fetch(request))
}

// workerd: the Worker from wrangler.toml, reloaded by wrangler's test harness on each deployment.
// A copy of wrangler.toml alone in a temporary folder: never the developer's .dev.vars beside it.
const workerdIssuer = async (secrets: Secrets): Promise<Deployable> => {
  const configPath = isolatedWranglerConfig(root)
  const options = (s: Secrets) => ({
    root,
    workers: [{ configPath, vars: settings, secrets: s }],
  })
  const harness = createTestHarness(options(secrets))
  const { url } = await harness.listen()
  const migrate = () => harness.getWorker().applyD1Migrations('DB')
  await migrate()
  return {
    url: url.origin,
    deploy: async (s) => {
      await harness.update(options(s))
      await migrate()
    },
    stop: () => harness.close(),
  }
}

const workerdVerifier = async (jwksUrl: string): Promise<Listening> => {
  const harness = createTestHarness({
    root,
    workers: [
      {
        config: {
          name: 'rotation-verifier',
          main: './test/rotation/verifier.worker.ts',
          compatibility_date: '2026-11-01',
          vars: {
            JWKS_URL: jwksUrl,
            COOLDOWN_MS: String(verifier.cooldownMs),
            MAX_AGE_MS: String(verifier.maxAgeMs),
          },
        },
      },
    ],
  })
  const { url } = await harness.listen()
  return { url: url.origin, stop: () => harness.close() }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// `wrangler secret put/bulk/delete` arrive here from the stand-in (`{ secrets: { NAME: value or
// null } }`, one deployment for all); the answer waits for the deployment.
// The README's waits arrive here too (`{ pause: seconds }`): `requests()` counts the load's progress.
const controlServer = async (
  target: () => Deployable,
  secrets: Secrets,
  requests: () => number = () => 0,
) => {
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    try {
      const { secrets: change, pause } = JSON.parse(Buffer.concat(chunks).toString())
      if (pause !== undefined) {
        const [start, from] = [Date.now(), requests()]
        await sleep(pause * 1000)
        while (requests() - from < minRequests / 2 && Date.now() - start < longestWait * 1000) {
          await sleep(100)
        }
        res.writeHead(204).end()
        return
      }
      for (const [name, value] of Object.entries(change as Record<string, string | null>)) {
        if (value === null) delete secrets[name]
        else secrets[name] = value
      }
      await target().deploy({ ...secrets })
      res.writeHead(204).end()
    } catch (error) {
      res.writeHead(500).end((error as Error).message)
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  }
}

const keyCli = `node "${join(root, 'src/cli/key.mjs')}"`
const standIn = `node "${join(root, 'test/rotation/wrangler-stand-in.mjs')}"`
const pause = (seconds: number) =>
  `curl -sSf -o /dev/null -d '{"pause":${seconds}}' "$ROTATION_CONTROL_URL"`
const commands: [string, string][] = [
  ['npm run -s key --', keyCli],
  ['npm run -s key', keyCli],
  ['npx wrangler', standIn],
]

/** A fenced `sh` block of the README between `<!-- name:start -->` and `<!-- name:end -->`. */
const readmeBlock = (name: string) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  )
  const text = block.exec(readme)?.[1]
  if (!text) throw new Error(`README has no ${name} block`)
  return text
}

/**
 * Runs a README block with bash, as written but for the local commands (the key command, the
 * wrangler stand-in) and these replacements (each must apply).
 */
const runBlock = (
  name: string,
  replacements: [string, string][],
  env: Record<string, string>,
): Promise<string> => {
  let script = readmeBlock(name)
  for (const [from, to] of commands) script = script.replaceAll(from, to)
  for (const [from, to] of replacements) {
    if (!script.includes(from))
      throw new Error(`README ${name} block lacks ${JSON.stringify(from)}`)
    script = script.replaceAll(from, to)
  }
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (c) => {
      output += c
    })
    child.stderr.on('data', (c) => {
      output += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(deadline - Date.now(), 1))
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) done(output)
      else fail(new Error(`README ${name} block failed (${code}):\n${output}`))
    })
  })
}

const segment = (token: string, i: number) =>
  JSON.parse(Buffer.from(token.split('.')[i] as string, 'base64url').toString())

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

const jwksOf = async (url: string) =>
  ((await (await fetch(`${url}/execution/.well-known/jwks.json`)).json()) as { keys: Secrets[] })
    .keys

/**
 * Task runners: each holds an execution token, calls the verifying service with it, and has the
 * Execution API refresh it (`Refreshed-API-Token`) well before it expires. Every request carries a
 * token that has not expired; every answer that is not the expected one is a failure.
 */
const startLoad = (issuerUrl: string, verifierUrl: string, first: () => Promise<string>) => {
  const load = { requests: 0, failures: [] as string[], kids: new Set<string>(), leaked: 0 }
  let stopped = false
  const fail = (what: string) => {
    if (load.failures.length < 10) load.failures.push(what)
    else load.failures.length++
  }
  const refresh = async (token: string) => {
    const res = await fetch(`${issuerUrl}/execution/variables/none`, bearer(token))
    load.requests++
    const fresh = res.headers.get('refreshed-api-token')
    await res.arrayBuffer()
    if (res.status !== 404 || !fresh) throw new Error(`issuer ${res.status}, refreshed: ${!!fresh}`)
    load.kids.add(segment(fresh, 0).kid)
    return fresh
  }
  // A runner refreshes in the background, as a task runner's client does, and keeps calling with
  // its token meanwhile; it waits only when the token is about to expire, and never sends it late.
  const runner = async () => {
    let token = await first()
    let refreshing: Promise<void> | undefined
    while (!stopped) {
      const left = segment(token, 1).exp - Date.now() / 1000
      if (left < 1) throw new Error(`a runner's token ran out (${left.toFixed(1)} s left)`)
      if (left < lifetime * 0.6 && !refreshing) {
        refreshing = refresh(token)
          .then((fresh) => {
            token = fresh
          })
          .finally(() => {
            refreshing = undefined
          })
      }
      if (left < lifetime * 0.3 && refreshing) {
        await refreshing
        continue
      }
      const res = await fetch(`${verifierUrl}/whoami`, bearer(token))
      load.requests++
      if (res.status !== 200) fail(`verifier ${res.status} ${await res.text()}`)
      else await res.arrayBuffer()
    }
    await refreshing
  }
  // The published set, polled all along: it must never hold a private member.
  const watch = async () => {
    while (!stopped) {
      for (const key of await jwksOf(issuerUrl)) {
        if (privateMembers.some((m) => m in key)) load.leaked++
      }
      await sleep(200)
    }
  }
  const guarded = (task: () => Promise<void>) => task().catch((error) => fail(describe(error)))
  const running = [...Array.from({ length: runners }, () => guarded(runner)), guarded(watch)]
  return {
    load,
    stop: async () => {
      stopped = true
      await Promise.all(running)
      return load
    },
  }
}

const describe = (error: unknown) => {
  const { message, cause } = error as Error & { cause?: Error & { code?: string } }
  return cause ? `${message}: ${cause.code ?? cause.message}` : message
}

interface Check {
  name: string
  ok: boolean
  detail?: string
}

const waitFor = async (probe: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await probe()) return true
    await sleep(100)
  }
  return false
}

const rotationUnderLoad = async (
  runtime: 'node' | 'workerd',
  lib: Lib,
  issuerFor: (secrets: Secrets) => Promise<Deployable>,
  verifierFor: (jwksUrl: string) => Promise<Listening>,
): Promise<Check[]> => {
  const home = mkdtempSync(join(work, `${runtime}-home-`))
  const initial = JSON.parse(await stdoutOf(`node "${join(root, 'src/cli/key.mjs')}"`)).private
  const secrets: Secrets = { JWT_PRIVATE_JWK: JSON.stringify(initial) }
  const a = await issuerFor({ ...secrets })
  const b = await verifierFor(`${a.url}/execution/.well-known/jwks.json`)
  let load: ReturnType<typeof startLoad> | undefined
  const control = await controlServer(
    () => a,
    secrets,
    () => load?.load.requests ?? 0,
  )
  const scheduler = lib.createIssuer({
    profile: lib.taskInstanceProfile,
    privateJwk: initial,
    expirationTime: lifetime,
  })
  const mint = () => scheduler.mint({ sub: crypto.randomUUID() })
  // A token of the first key that outlives the rotation: what a leak or a forgotten runner holds.
  const longLived = await scheduler.mint({ sub: crypto.randomUUID(), expiresIn: 300 })
  const checks: Check[] = []
  const check = (name: string, ok: boolean, detail?: string) => checks.push({ name, ok, detail })
  try {
    const before = await fetch(`${b.url}/whoami`, bearer(longLived))
    check('a token of the first key verifies through remoteKeys', before.status === 200)

    load = startLoad(a.url, b.url, mint)
    const started = Date.now()
    await runBlock(
      'rotation',
      [
        ['https://execution-api.example.workers.dev/execution', `${a.url}/execution`],
        ['sleep 600', pause(publishWait)],
        ['sleep 610', pause(retireWait)],
      ],
      { HOME: home, ROTATION_CONTROL_URL: control.url },
    )
    const seconds = (Date.now() - started) / 1000
    const { requests, failures, kids, leaked } = await load.stop()
    console.log(
      `# ${runtime}: ${requests} requests in ${seconds.toFixed(1)} s during the rotation, ${failures.length} failed, kids ${[...kids].join(' ')}`,
    )
    check(
      `README rotation under load: ≥ ${minRequests} requests with unexpired tokens, 0 failures`,
      requests >= minRequests && failures.length === 0,
      `${requests} requests; failures: ${failures.join('; ')}`,
    )
    check(
      'tokens of both keys were in use',
      kids.size === 2 && kids.has(initial.kid),
      [...kids].join(),
    )
    check('the key set never held a private member', leaked === 0, `${leaked} times`)
    const final = await jwksOf(a.url)
    check(
      'after retirement the set holds the new key alone',
      final.length === 1 && final[0]?.kid !== initial.kid,
      JSON.stringify(final.map((k) => k.kid)),
    )
    const atIssuer = await fetch(`${a.url}/execution/variables/none`, bearer(longLived))
    check('the retired key: 401 at the Execution API at once', atIssuer.status === 401)
    const refused = await waitFor(
      async () => (await fetch(`${b.url}/whoami`, bearer(longLived))).status === 401,
      verifier.maxAgeMs + verifier.cooldownMs + 3000,
    )
    check('the retired key: 401 through remoteKeys once the cache is refreshed', refused)
  } catch (error) {
    check('README rotation ran', false, (error as Error).message)
  } finally {
    await load?.stop()
    await control.stop()
    await b.stop()
    await a.stop()
  }
  return checks
}

/** A command's stdout (the key command, outside any README block). */
const stdoutOf = (command: string) =>
  new Promise<string>((done, fail) => {
    const child = spawn('bash', ['-c', command], {
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`${command}: ${code}`))))
  })

// The key command: a pair on stdout, nothing written in the repository (not even ignored files).
// The repository's files are compared, not `git status`: a source archive has no `.git`.
const keyCommand = async (): Promise<Check[]> => {
  const before = filesSnapshot(root)
  const pair = JSON.parse(await stdoutOf(`cd "${root}" && node src/cli/key.mjs --alg ES256`))
  const written = changedFiles(before, filesSnapshot(root))
  const ok =
    typeof pair.private.d === 'string' &&
    privateMembers.every((m) => !(m in pair.public)) &&
    pair.public.kid === pair.private.kid &&
    pair.public.x === pair.private.x &&
    pair.public.alg === 'ES256'
  return [
    { name: 'npm run key prints a private and a public half of one key', ok },
    {
      name: 'npm run key writes nothing in the repository',
      ok: written.length === 0,
      detail: written.join(', '),
    },
  ]
}

// The emergency removal and the shared-secret rotation, on Node: their cost and their promise.
const emergencyAndSecret = async (lib: Lib): Promise<Check[]> => {
  const checks: Check[] = []
  const check = (name: string, ok: boolean, detail?: string) => checks.push({ name, ok, detail })
  const home = mkdtempSync(join(work, 'node-home-more-'))

  const leaked = JSON.parse(await stdoutOf(`node "${join(root, 'src/cli/key.mjs')}"`)).private
  let secrets: Secrets = { JWT_PRIVATE_JWK: JSON.stringify(leaked) }
  let a = await nodeIssuer(lib, 'emergency', secrets)
  let control = await controlServer(() => a, secrets)
  try {
    const token = await lib
      .createIssuer({ profile: lib.taskInstanceProfile, privateJwk: leaked })
      .mint({ sub: crypto.randomUUID() })
    const ok = (await fetch(`${a.url}/execution/variables/none`, bearer(token))).status === 404
    await runBlock('rotation-emergency', [], {
      HOME: home,
      ROTATION_CONTROL_URL: control.url,
    })
    const res = await fetch(`${a.url}/execution/variables/none`, bearer(token))
    const keys = await jwksOf(a.url)
    check(
      'emergency removal: tokens of the leaked key get 401 at once',
      ok && res.status === 401 && keys.length === 1 && keys[0]?.kid !== leaked.kid,
      `${res.status} ${JSON.stringify(keys.map((k) => k.kid))}`,
    )
  } catch (error) {
    check('README emergency removal ran', false, (error as Error).message)
  } finally {
    await control.stop()
    await a.stop()
  }

  const old = `${crypto.randomUUID()}${crypto.randomUUID()}`
  writeFileSync(join(home, 'jwt-secret'), old, { mode: 0o600 })
  secrets = { JWT_SECRET: old }
  a = await nodeIssuer(lib, 'secret', secrets)
  control = await controlServer(() => a, secrets)
  try {
    const token = await lib
      .createIssuer({ profile: lib.taskInstanceProfile, secret: old, expirationTime: lifetime })
      .mint({
        sub: crypto.randomUUID(),
      })
    await runBlock('rotation-secret', [], { HOME: home, ROTATION_CONTROL_URL: control.url })
    const fresh = readFileSync(join(home, 'jwt-secret'), 'utf8')
    const res = await fetch(`${a.url}/execution/variables/none`, bearer(token))
    const refreshed = res.headers.get('refreshed-api-token') ?? ''
    const verify = (secret: string) =>
      lib
        .createVerifier({ profile: lib.taskInstanceProfile, secret, algorithms: ['HS512'] })(
          refreshed,
        )
        .then(
          () => true,
          () => false,
        )
    check(
      'secret rotation: a token of the replaced secret still verifies; new tokens use the new secret',
      res.status === 404 && fresh !== old && (await verify(fresh)) && !(await verify(old)),
      `${res.status}`,
    )
  } catch (error) {
    check('README secret rotation ran', false, (error as Error).message)
  } finally {
    await control.stop()
    await a.stop()
  }
  return checks
}

const report = (runtime: string, checks: Check[]) => {
  for (const { name, ok, detail } of checks) {
    console.log(
      `${ok ? 'ok' : 'not ok'} - ${runtime}: ${name}${ok || !detail ? '' : `\n  ${detail}`}`,
    )
  }
  const failed = checks.filter((c) => !c.ok).length
  console.log(`rotation (${runtime}): ${checks.length - failed} passed, ${failed} failed`)
  return failed
}

let failed = 0
try {
  const lib = await bundle()
  failed += report('node', [
    ...(await keyCommand()),
    ...(await rotationUnderLoad(
      'node',
      lib,
      (s) => nodeIssuer(lib, 'issuer', s),
      (u) => nodeVerifier(lib, u),
    )),
    ...(await emergencyAndSecret(lib)),
  ])
  failed += report(
    'workerd',
    await rotationUnderLoad('workerd', lib, workerdIssuer, workerdVerifier),
  )
} catch (error) {
  console.error(error)
  failed++
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
