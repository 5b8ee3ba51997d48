import { spawnSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

// Checks of the installed tarball as a user meets it: each entry point imports on Node (the root,
// remote keys, DPoP, several issuers, minting, the client and the zod glue without zod installed;
// the Airflow profile and OpenAPI once zod is there, as their peer), a minimal Worker bundles
// neither zod nor jose nor a verification feature it does not import, and the package's command
// prints keys that sign and verify.

type Result = { name: string; ok: boolean; detail?: string }
const ok = (name: string, pass: boolean, detail = ''): Result => ({ name, ok: pass, detail })

/** Minimal Workers a user writes, bundled from the installed package as wrangler would. */
export const minimalWorkers: Record<string, string> = {
  'jwtAuth alone (HS256)': `import { Hono } from 'hono'
import { jwtAuth } from 'hono-scoped-jwt'
const app = new Hono()
app.use('/api/*', jwtAuth({ secret: 'a shared secret of at least 32 bytes!', algorithms: ['HS256'], audience: 'api' }))
app.get('/api/me', (c) => c.json(c.var.token))
export default app
`,
  'a route table, no validators': `import { Hono } from 'hono'
import { defineGroup, defineRoute, jwtAuth, routeTable } from 'hono-scoped-jwt'
const auth = jwtAuth({ secret: 'a shared secret of at least 32 bytes!', algorithms: ['HS256'], audience: 'api' })
const me = defineRoute({ method: 'get', path: '/me', scopes: ['me:read'], handler: (c) => c.json({}) })
export default routeTable(defineGroup({ path: '/api', routes: [me] }), { auth }).mount(new Hono())
`,
  'every verification feature': `import { Hono } from 'hono'
import { jwtAuth, localKeys, TokenCache } from 'hono-scoped-jwt'
import { dpop } from 'hono-scoped-jwt/dpop'
import { trustedIssuers } from 'hono-scoped-jwt/issuers'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'
let auth
const build = (env) => jwtAuth({
  algorithms: ['EdDSA', 'RS256'],
  audience: 'api',
  dpop: dpop(),
  issuers: trustedIssuers({
    own: { keys: [localKeys([env.JWT_PRIVATE_JWK]), remoteKeys(env.JWKS_URL)], issuer: 'https://api.example', cache: new TokenCache() },
    idp: { keys: discoveredKeys(env.OIDC_ISSUER) },
  }),
})
const app = new Hono()
app.use('/api/*', (c, next) => (auth ??= build(c.env))(c, next))
app.get('/api/me', (c) => c.json(c.var.token))
export default app
`,
}

// Features are values: a Worker bundles only the factories it imports. Each marker is text that
// only that feature's code holds; the Worker using every feature shows that each survives
// minification, so that its absence from the other bundles means the feature is not there.
const featureMarkers: Record<string, string> = {
  'remote key set': 'cooldownDuration',
  'OpenID discovery': '/.well-known/openid-configuration',
  DPoP: 'dpop+jwt',
  'several issuers': 'needs "issuer"',
  'token cache': 'already used by another verifier',
  'local asymmetric keys': 'has another key under the kid',
}
const featuresIn = (code: string) =>
  Object.entries(featureMarkers)
    .filter(([, marker]) => code.includes(marker))
    .map(([feature]) => feature)

/** Bundles `source` in `app` (esbuild, minified, workerd conditions): gzip size and inputs. */
export const bundle = async (app: string, source: string) => {
  const result = await build({
    absWorkingDir: app,
    stdin: { contents: source, resolveDir: app, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]
  const code = output?.contents ?? new Uint8Array()
  return {
    bytes: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
    text: output?.text ?? '',
  }
}

// What `await import(entry)` gives on Node, run in the scratch project: export count or the error.
const importScript = `const out = {}
for (const entry of process.argv.slice(2)) {
  try { out[entry] = Object.keys(await import(entry)).length }
  catch (error) { out[entry] = String(error.code ?? error.message) }
}
console.log(JSON.stringify(out))
`

const importAll = (app: string, env: NodeJS.ProcessEnv, node: string, entries: string[]) => {
  writeFileSync(join(app, 'imports.mjs'), importScript)
  const run = spawnSync(node, ['imports.mjs', ...entries], { cwd: app, env, encoding: 'utf8' })
  return JSON.parse(run.stdout || '{}') as Record<string, number | string>
}

/**
 * The entries on Node, without zod then with it (linked from `zodDir`), and the minimal Workers'
 * bundles: never zod, never jose.
 */
export const entryChecks = async (
  app: string,
  env: NodeJS.ProcessEnv,
  node: string,
  zodDir: string,
  entries: string[],
): Promise<Result[]> => {
  const names = entries.map((e) =>
    e === '.' ? 'hono-scoped-jwt' : `hono-scoped-jwt/${e.slice(2)}`,
  )
  const results: Result[] = []
  const withoutZod = importAll(app, env, node, names)
  const needZod = ['hono-scoped-jwt/airflow', 'hono-scoped-jwt/openapi']
  for (const name of names.filter((n) => !needZod.includes(n))) {
    const got = withoutZod[name]
    results.push(
      ok(`${name} imports on Node without zod`, typeof got === 'number' && got > 0, `${got}`),
    )
  }
  mkdirSync(join(app, 'node_modules'), { recursive: true })
  symlinkSync(zodDir, join(app, 'node_modules', 'zod'), 'dir')
  const withZod = importAll(app, env, node, names)
  for (const name of names) {
    const got = withZod[name]
    results.push(ok(`${name} imports on Node`, typeof got === 'number' && got > 0, `${got}`))
  }
  for (const [what, source] of Object.entries(minimalWorkers)) {
    const { gzip, inputs, text } = await bundle(app, source)
    const heavy = inputs.filter((i) => /node_modules\/(zod|jose|@hono\/zod-validator)\//.test(i))
    console.log(`  minimal Worker, ${what}: ${gzip} B (esbuild --minify, gzip -9)`)
    results.push(
      ok(`a Worker with ${what} bundles neither zod nor jose`, !heavy.length, heavy.join()),
    )
    const features = featuresIn(text)
    const all = what === 'every verification feature'
    results.push(
      all
        ? ok(
            `a Worker with ${what} bundles each of them`,
            features.length === Object.keys(featureMarkers).length,
            `found: ${features.join(', ')}`,
          )
        : ok(
            `a Worker with ${what} bundles no feature it does not import`,
            !features.length,
            features.join(', '),
          ),
    )
  }
  return results
}

/** `npx hono-scoped-jwt key`, as a user runs it in a project that has only the package. */
export const commandChecks = async (app: string, env: NodeJS.ProcessEnv): Promise<Result[]> => {
  const npx = (...args: string[]) =>
    spawnSync('npx', ['--no', '--', 'hono-scoped-jwt', ...args], {
      cwd: app,
      env,
      encoding: 'utf8',
    })
  const results: Result[] = []
  for (const alg of ['EdDSA', 'ES256', 'RS256', 'PS256']) {
    const run = npx('key', '--alg', alg)
    let works = false
    try {
      const pair = JSON.parse(run.stdout)
      works = pair.private.alg === alg && !('d' in pair.public) && (await signsAndVerifies(pair))
    } catch {}
    results.push(
      ok(`key --alg ${alg}: a key pair that signs and verifies`, works, run.stdout + run.stderr),
    )
  }
  const plain = npx('key')
  results.push(
    ok(
      'key: EdDSA by default',
      plain.stdout.includes('"alg":"EdDSA"'),
      plain.stdout + plain.stderr,
    ),
  )
  const secret = npx('key', '--secret')
  results.push(
    ok('key --secret: 64 bytes, base64url', /^[\w-]{86}$/.test(secret.stdout), secret.stdout),
  )
  const help = npx('--help')
  results.push(
    ok(
      '--help',
      help.status === 0 && help.stdout.includes('Usage: hono-scoped-jwt key'),
      help.stdout,
    ),
  )
  const bad = npx('key', '--alg', 'HS256')
  results.push(
    ok(
      'a bad option: exit 2 and a message',
      bad.status === 2 && /--alg must be/.test(bad.stderr),
      `${bad.status} ${bad.stderr}`,
    ),
  )
  return results
}

const subtle: Record<string, { import: object; sign: object }> = {
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  ES256: {
    import: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
  RS256: {
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  PS256: {
    import: { name: 'RSA-PSS', hash: 'SHA-256' },
    sign: { name: 'RSA-PSS', saltLength: 32 },
  },
}

// The private half signs, the public half verifies: one key pair.
const signsAndVerifies = async (pair: {
  private: JsonWebKey & { alg: string }
  public: JsonWebKey
}) => {
  const params = subtle[pair.private.alg] as (typeof subtle)[string]
  const { alg: _a, ...privateJwk } = pair.private
  const { alg: _b, ...publicJwk } = pair.public as JsonWebKey & { alg?: string }
  const signer = await crypto.subtle.importKey('jwk', privateJwk, params.import as never, false, [
    'sign',
  ])
  const verifier = await crypto.subtle.importKey('jwk', publicJwk, params.import as never, false, [
    'verify',
  ])
  const data = new TextEncoder().encode('hono-scoped-jwt')
  const signature = await crypto.subtle.sign(params.sign as never, signer, data)
  return crypto.subtle.verify(params.sign as never, verifier, signature, data)
}
