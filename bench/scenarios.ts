// The benchmark scenarios, shared by every runtime: bench/run.ts (node, bun, deno through mitata)
// and bench/worker.ts (workerd). Each scenario is one request through a Hono app, or one bare
// verification; all use the same key, token and route.
import { Hono } from 'hono'
import { verify as honoVerify, jwt } from 'hono/jwt'
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify } from 'jose'
import {
  createIssuer,
  createVerifier,
  defineGroup,
  defineRoute,
  jwtAuth,
  routeTable,
  type VerifyOptions,
} from '../src/index'

export const algorithms = ['HS512', 'EdDSA', 'ES256', 'RS256'] as const
export type BenchAlg = (typeof algorithms)[number]

export interface Scenario {
  name: string
  run: () => unknown
}

const audience = 'urn:airflow.apache.org:task'
const tiId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
const path = `/execution/task-instances/${tiId}/state`
const secret = 'bench-secret-'.padEnd(64, 'x')
const floorParams = {
  HS512: { name: 'HMAC' },
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
} as const

const b64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))

const ok = (c: { text: (s: string) => Response }) => c.text('ok')

const keysFor = async (alg: BenchAlg) => {
  if (alg === 'HS512') {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-512' },
      false,
      ['verify'],
    )
    return { verifyKey: key, ours: { secret }, hono: secret, issuer: { secret } }
  }
  const pair = await generateKeyPair(alg, { extractable: true })
  const privateJwk = { ...(await exportJWK(pair.privateKey)), alg, kid: 'bench' }
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), alg, kid: 'bench' }
  const verifyKey = (await importJWK(publicJwk, alg)) as CryptoKey
  // hono/jwt as its docs show it: the key as a JWK, which it imports again on every verification.
  const hono = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }
  const honoKey = alg === 'RS256' ? { kty: 'RSA', n: publicJwk.n, e: publicJwk.e } : hono
  return { verifyKey, ours: { publicKeys: [publicJwk] }, hono: honoKey, issuer: { privateJwk } }
}

/** Every scenario of one algorithm, in a fixed order; the token lives 600 s (enough for a run). */
export const scenariosFor = async (alg: BenchAlg): Promise<Scenario[]> => {
  const keys = await keysFor(alg)
  const issuer = createIssuer({ ...keys.issuer, algorithm: alg, expirationTime: 3600 })
  const token = await issuer.mint({ sub: tiId })
  const headers = { authorization: `Bearer ${token}` }
  // A fresh Request each time: the per-request memo is keyed by it.
  const request = (app: Hono) => () =>
    app.fetch(new Request(`http://bench${path}`, { method: 'PATCH', headers }))

  const bare = new Hono()
  bare.patch('/execution/task-instances/:task_instance_id/state', ok)

  // What any middleware costs in Hono: a route with one handler skips composition altogether.
  const bareMiddleware = new Hono()
  bareMiddleware.patch(
    '/execution/task-instances/:task_instance_id/state',
    async (_c, next) => {
      await next()
    },
    ok,
  )

  // biome-ignore lint/suspicious/noExplicitAny: hono/jwt types its key narrower than a JWK object
  const honoJwt = () => jwt({ secret: keys.hono as any, alg, verification: { aud: audience } })
  const honoOnce = new Hono()
  honoOnce.use('/execution/*', honoJwt())
  honoOnce.patch('/execution/task-instances/:task_instance_id/state', ok)
  const honoThrice = new Hono()
  honoThrice.use('/execution/*', honoJwt())
  honoThrice.use('/execution/task-instances/*', honoJwt())
  honoThrice.patch('/execution/task-instances/:task_instance_id/state', honoJwt(), ok)

  const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
    ...keys.ours,
    algorithms: [alg],
    ...extra,
  })
  // The same effective policy twice: declared on the route, or inherited through three groups.
  const scopes = ['token:execution', 'ti:self'] as const
  const single = routeTable(
    defineRoute({
      method: 'patch',
      path: '/execution/task-instances/:task_instance_id/state',
      scopes,
      handler: ok,
    }),
    { auth: jwtAuth(options()) },
  ).mount(new Hono())
  const nestedTable = (auth: ReturnType<typeof jwtAuth>) =>
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
    )
  const nested = nestedTable(jwtAuth(options())).mount(new Hono())
  // Ours applied as hono/jwt ×3 is: middleware on two prefixes, then the route's guard.
  const thriceAuth = jwtAuth(options())
  const thrice = new Hono()
  thrice.use('/execution/*', thriceAuth)
  thrice.use('/execution/task-instances/*', thriceAuth)
  nestedTable(thriceAuth).mount(thrice)
  const cached = nestedTable(jwtAuth(options({ cache: true }))).mount(new Hono())

  const verifyOptions = {
    algorithms: [alg],
    audience,
    clockTolerance: 10,
    requiredClaims: ['sub', 'aud', 'exp', 'iat', 'nbf'],
  }
  const [protectedHeader, payload, signature] = token.split('.') as [string, string, string]
  const signed = new TextEncoder().encode(`${protectedHeader}.${payload}`)
  const signatureBytes = b64url(signature)
  const verifier = createVerifier(options())
  const cachedVerifier = createVerifier(options({ cache: true }))
  // The least any verifying middleware can do: await the same verifier, nothing else. What ours
  // costs beyond this is our layer; what this costs beyond `verifier` alone is Hono plus the runtime.
  const verifierMiddleware = new Hono()
  verifierMiddleware.patch(
    '/execution/task-instances/:task_instance_id/state',
    async (c, next) => {
      await verifier(c.req.header('authorization')?.slice(7) ?? '')
      await next()
    },
    ok,
  )

  const scenarios: Scenario[] = [
    { name: 'bare route', run: request(bare) },
    { name: 'bare + no-op middleware', run: request(bareMiddleware) },
    { name: 'hono/jwt ×1', run: request(honoOnce) },
    { name: 'hono/jwt ×3', run: request(honoThrice) },
    { name: 'bare + verifier middleware', run: request(verifierMiddleware) },
    { name: 'ours, single', run: request(single) },
    { name: 'ours, nested', run: request(nested) },
    { name: 'ours, auth ×3', run: request(thrice) },
    { name: 'ours, nested + cache', run: request(cached) },
    {
      name: 'hono/jwt verify()',
      // biome-ignore lint/suspicious/noExplicitAny: as above
      run: () => honoVerify(token, keys.hono as any, { alg, aud: audience }),
    },
    { name: 'jose.jwtVerify', run: () => jwtVerify(token, keys.verifyKey, verifyOptions) },
    {
      name: 'subtle.verify',
      run: () => crypto.subtle.verify(floorParams[alg], keys.verifyKey, signatureBytes, signed),
    },
    { name: 'verifier', run: () => verifier(token) },
    { name: 'verifier, cache hit', run: () => cachedVerifier(token) },
  ]
  // A scenario that answers anything but 200, or a verification that throws, is a broken bench.
  for (const { name, run } of scenarios) {
    const result = await run()
    if (result instanceof Response && result.status !== 200) {
      throw new Error(`${alg} ${name}: status ${result.status} ${await result.text()}`)
    }
    if (result === false) throw new Error(`${alg} ${name}: signature did not verify`)
  }
  return scenarios
}
