// The benchmark scenarios, shared by every runtime: bench/run.ts (node, bun, deno through mitata)
// and bench/worker.ts (workerd). Each scenario is one request through a Hono app, or one bare
// verification; all use the same key, token and route. The peers are configured the fastest way
// their users could: keys imported once where the peer accepts a `CryptoKey`, and also as their
// docs show it (hono/jwt given the secret or JWK, which it imports again on every request).
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { jwk as honoJwk } from 'hono/jwk'
import { jwt } from 'hono/jwt'
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify } from 'jose'
import {
  defineGroup,
  defineRoute,
  type TaskInstanceProfile,
  taskInstanceProfile,
} from '../src/airflow'
import { checkToken, headerCache } from '../src/auth/token/gate'
import {
  createVerifier,
  type JwtAuth,
  jwtAuth,
  localKeys,
  routeTable,
  TokenCache,
  type VerifyOptions,
} from '../src/index'
import { createIssuer } from '../src/mint'
import { dpopScenario } from './dpop'

export const algorithms = ['HS256', 'EdDSA', 'ES256', 'RS256'] as const
export type BenchAlg = (typeof algorithms)[number]

export interface Scenario {
  name: string
  run: () => unknown
  /** The same work on a token whose signature was tampered with: must be refused (not baselines). */
  tampered?: () => unknown
}

export const audience = 'urn:airflow.apache.org:task'
export const issuerName = 'https://issuer.bench.example'
const tiId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
const route = '/execution/task-instances/:task_instance_id/state'
const path = `/execution/task-instances/${tiId}/state`
const secret = 'bench-secret-'.padEnd(64, 'x')
const subtleParams = {
  HS256: { name: 'HMAC' },
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
} as const

const b64url = (s: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))

/** The token with one signature character changed (the first: the last may only be padding bits). */
export const tamper = (token: string) => {
  const at = token.lastIndexOf('.') + 1
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`
}

const ok = (c: { text: (s: string) => Response }) => c.text('ok')

/** Keys for one algorithm, as each peer takes them, and a token signed with them. */
export const keysFor = async (alg: BenchAlg) => {
  if (alg === 'HS256') {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    return {
      verifyKey: key,
      ours: { secret },
      honoDocs: secret as string | JWK,
      publicJwk: undefined,
      secret,
      issuer: { secret },
    }
  }
  const pair = await generateKeyPair(alg, { extractable: true })
  const privateJwk = { ...(await exportJWK(pair.privateKey)), alg, kid: 'bench' }
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), alg, kid: 'bench', use: 'sig' }
  const verifyKey = (await importJWK(publicJwk, alg)) as CryptoKey
  return {
    verifyKey,
    ours: { keys: localKeys([publicJwk]) },
    // hono/jwt as its docs show it: the key as a JWK, imported again on every verification.
    honoDocs: publicJwk,
    publicJwk,
    secret: undefined,
    issuer: { privateJwk },
  }
}

/** A token for the route's task instance, living an hour, with `aud`, `iss` and any `claims`. */
export const tokenFor = async (
  alg: BenchAlg,
  keys: Awaited<ReturnType<typeof keysFor>>,
  claims?: Record<string, unknown>,
) =>
  createIssuer({
    ...keys.issuer,
    profile: taskInstanceProfile,
    algorithm: alg,
    expirationTime: 3600,
    issuer: issuerName,
  }).mint({ sub: tiId, claims })

/** Every scenario of one algorithm, in a fixed order, each checked to answer 200 and 401. */
export const scenariosFor = async (alg: BenchAlg): Promise<Scenario[]> => {
  const keys = await keysFor(alg)
  const token = await tokenFor(alg, keys)
  const bad = tamper(token)
  // A fresh Request each time: the per-request memo is keyed by it.
  const request = (app: Hono, t: string) => () =>
    app.fetch(
      new Request(`http://bench${path}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${t}` },
      }),
    )
  const app = (make: (app: Hono) => void) => {
    const hono = new Hono()
    make(hono)
    return { run: request(hono, token), tampered: request(hono, bad) }
  }

  const bare = app((a) => a.patch(route, ok))
  // What any middleware costs in Hono: a route with one handler skips composition altogether.
  const noop = app((a) =>
    a.patch(
      route,
      async (_c, next) => {
        await next()
      },
      ok,
    ),
  )
  const verification = { aud: audience, iss: issuerName }
  const honoJwt = (secretOrKey: unknown) =>
    // biome-ignore lint/suspicious/noExplicitAny: hono/jwt types its key narrower than a JWK object
    jwt({ secret: secretOrKey as any, alg, verification })
  const honoDocs = app((a) => {
    a.use('/execution/*', honoJwt(keys.honoDocs))
    a.patch(route, ok)
  })
  const honoKey = app((a) => {
    a.use('/execution/*', honoJwt(keys.verifyKey))
    a.patch(route, ok)
  })
  const honoJwks =
    keys.publicJwk &&
    app((a) => {
      type JwkOptions = Parameters<typeof honoJwk>[0]
      const jwkKeys = [keys.publicJwk] as JwkOptions['keys']
      const jwkAlg = [alg] as JwkOptions['alg']
      a.use('/execution/*', honoJwk({ keys: jwkKeys, alg: jwkAlg, verification }))
      a.patch(route, ok)
    })

  // The hand-written jose middleware a user could write in ten lines: key imported once.
  const joseOptions = { algorithms: [alg], audience, issuer: issuerName }
  const joseAuth = createMiddleware<{ Variables: { jwtPayload: unknown } }>(async (c, next) => {
    const header = c.req.header('authorization')
    if (!header?.startsWith('Bearer ')) throw new HTTPException(401)
    try {
      const { payload } = await jwtVerify(header.slice(7), keys.verifyKey, joseOptions)
      c.set('jwtPayload', payload)
    } catch {
      throw new HTTPException(401)
    }
    await next()
  })
  const joseMiddleware = app((a) => {
    a.use('/execution/*', joseAuth)
    a.patch(route, ok)
  })

  const options = (
    extra: Partial<VerifyOptions<TaskInstanceProfile>> = {},
  ): VerifyOptions<TaskInstanceProfile> => ({
    ...keys.ours,
    profile: taskInstanceProfile,
    algorithms: [alg],
    issuer: issuerName,
    ...extra,
  })
  // The same effective policy twice: declared on the route, or inherited through three groups.
  const single = app((a) =>
    routeTable(
      defineRoute({
        method: 'patch',
        path: route,
        scopes: ['token:execution', 'ti:self'],
        handler: ok,
      }),
      { auth: jwtAuth(options()) },
    ).mount(a),
  )
  const nestedTable = (auth: JwtAuth<TaskInstanceProfile>) => (a: Hono) =>
    routeTable(
      defineGroup({
        path: '/execution',
        scopes: ['token:execution'],
        routes: [
          defineGroup({
            path: '/task-instances',
            routes: [
              defineGroup({
                path: '/:task_instance_id',
                scopes: ['ti:self'],
                routes: [defineRoute({ method: 'patch', path: '/state', handler: ok })],
              }),
            ],
          }),
        ],
      }),
      { auth },
    ).mount(a)
  const nested = app(nestedTable(jwtAuth(options())))
  const cached = app(nestedTable(jwtAuth(options({ cache: new TokenCache() }))))

  const [h, p, s] = token.split('.') as [string, string, string]
  const signed = new TextEncoder().encode(`${h}.${p}`)
  const signature = b64url(s)
  const badSignature = b64url(bad.split('.')[2] as string)
  const subtle = (sig: Uint8Array<ArrayBuffer>) => () =>
    crypto.subtle.verify(subtleParams[alg], keys.verifyKey, sig, signed)
  const verifier = createVerifier(options())
  // The least any verifying middleware does: await the crypto (bytes precomputed), nothing else.
  const cryptoOnly = (sig: Uint8Array<ArrayBuffer>) =>
    app((a) => {
      a.use('/execution/*', async (_c, next) => {
        const valid = await crypto.subtle.verify(subtleParams[alg], keys.verifyKey, sig, signed)
        if (!valid) throw new HTTPException(401)
        await next()
      })
      a.patch(route, ok)
    })
  // The gate alone (decode, parse once, every strict check; no key, no crypto), as the verifier
  // runs it: with its memory of header segments.
  const gate = {
    realm: 'bench',
    maxLength: 8192,
    algorithms: new Set<string>([alg]),
    payload: 'claims' as const,
    headers: headerCache(),
    types: new Set(['jwt']),
  }

  const dpop = await dpopScenario({
    alg,
    route,
    url: `http://bench${path}`,
    ok,
    options,
    mint: (claims) => tokenFor(alg, keys, claims),
  })

  const list: (Scenario | false | undefined)[] = [
    // Baselines: nothing verifies there, so a tampered token passes too.
    { name: 'bare route', run: bare.run },
    { name: 'bare + no-op middleware', run: noop.run },
    { name: 'hono/jwt, docs key', ...honoDocs },
    { name: 'hono/jwt, CryptoKey', ...honoKey },
    honoJwks && { name: 'hono/jwk', ...honoJwks },
    { name: 'jose middleware', ...joseMiddleware },
    {
      name: 'middleware awaiting subtle.verify',
      run: cryptoOnly(signature).run,
      tampered: cryptoOnly(badSignature).run,
    },
    { name: 'ours, single', ...single },
    { name: 'ours, nested', ...nested },
    { name: 'ours, nested + cache', ...cached },
    { name: 'ours, DPoP', ...dpop },
    { name: 'subtle.verify', run: subtle(signature), tampered: subtle(badSignature) },
    {
      name: 'jose.jwtVerify',
      run: () => jwtVerify(token, keys.verifyKey, joseOptions),
      tampered: () => jwtVerify(bad, keys.verifyKey, joseOptions),
    },
    { name: 'verifier', run: () => verifier(token), tampered: () => verifier(bad) },
    { name: 'gate alone', run: () => checkToken(token, gate) },
  ]
  const scenarios = list.filter((s): s is Scenario => !!s)
  // A scenario that does not answer 200 to the good token and refuse the tampered one is broken.
  for (const { name, run, tampered } of scenarios) {
    const good = await run()
    if (good === false || (good instanceof Response && good.status !== 200)) {
      throw new Error(`${alg} ${name}: the good token was refused`)
    }
    if (!tampered) continue
    const refused = await Promise.resolve()
      .then(tampered)
      .then(
        (r) => r === false || (r instanceof Response && r.status === 401),
        () => true,
      )
    if (!refused) throw new Error(`${alg} ${name}: the tampered token was not refused with 401`)
  }
  return scenarios
}
