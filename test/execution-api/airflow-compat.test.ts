import { SELF } from 'cloudflare:test'
import { createVerifier, localKeys } from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/execution-api/app'
import { ConfigError, loadConfig } from '../../src/execution-api/config'
import { bindings, call, queue, runBody, tiPath } from './helpers'

// What a stock Airflow sends and mints, against the Worker: its API version header, and tokens
// made as airflow-core/src/airflow/api_fastapi/auth/tokens.py (apache/airflow@04bdf8c9965f) makes
// them: PyJWT, `alg` from `_guess_best_algorithm` (RSA → RS512, Ed25519 → EdDSA, secret → HS512),
// `kid` only with a private key, claims jti (uuid4 hex), aud, exp, iat, sub, scope. Airflow also
// sets nbf; the tokens here leave it out, which RFC 7519 allows and Airflow's validator accepts.

afterEach(() => vi.unstubAllGlobals())

const audience = 'urn:airflow.apache.org:task'

const airflowToken = (
  key: CryptoKey | Uint8Array,
  alg: string,
  sub: string,
  options: { kid?: string; scope?: string } = {},
) => {
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    sub,
    scope: options.scope ?? 'execution',
    jti: crypto.randomUUID().replaceAll('-', ''),
    aud: audience,
    exp: now + 600,
    iat: now,
  }
  const header = { alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) }
  return new SignJWT(claims).setProtectedHeader(header).sign(key)
}

/** A call that reaches the handler only when the token verified: 404 for an unknown variable. */
const authenticated = async (app: ReturnType<typeof createApp>, testEnv: object, token: string) =>
  app.request('http://localhost/execution/variables/absent', call(token, 'GET'), testEnv)

describe('tokens minted the way Airflow mints them', () => {
  it('RS512 from a JWKS without "alg" (JWKS_URL), as PyJWT publishes it', async () => {
    const pair = await generateKeyPair('RS512', { modulusLength: 2048, extractable: true })
    const { kty, n, e } = await exportJWK(pair.publicKey)
    // RSAAlgorithm.to_jwk: kty, key_ops, n, e; key_to_jwk_dict adds the kid.
    const published: JWK = { kty, key_ops: ['verify'], n, e, kid: 'airflow-rsa' }
    const url = 'https://airflow.example/.well-known/jwks.json'
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
      String(input) === url
        ? Response.json({ keys: [published] })
        : new Response(null, { status: 404 }),
    )
    const testEnv = bindings({ JWT_PRIVATE_JWK: undefined, JWKS_URL: url })
    const app = createApp(testEnv)
    const token = await airflowToken(pair.privateKey, 'RS512', crypto.randomUUID(), {
      kid: 'airflow-rsa',
    })
    expect(decodeJwt(token).nbf).toBeUndefined()
    const res = await authenticated(app, testEnv, token)
    expect(res.status).toBe(404)
  })

  it.each([
    { what: 'EdDSA with the same Ed25519 key', alg: 'EdDSA', kid: 'airflow-ed', options: {} },
    {
      what: 'RS512 with an RSA key (verified and minted as Airflow guesses)',
      alg: 'RS512',
      kid: 'airflow-rsa',
      options: { modulusLength: 2048 },
    },
  ])('$what as a JWT_PRIVATE_JWK without "alg"', async ({ alg, kid, options }) => {
    const pair = await generateKeyPair(alg, { ...options, extractable: true })
    const privateJwk = { ...(await exportJWK(pair.privateKey)), kid }
    const testEnv = bindings({ JWT_PRIVATE_JWK: JSON.stringify(privateJwk) })
    expect(loadConfig(testEnv).verify?.algorithms).toEqual([alg])
    const app = createApp(testEnv)
    const id = await queue()
    const workload = await airflowToken(pair.privateKey, alg, id, { kid, scope: 'workload' })
    const res = await app.request(
      `http://localhost${tiPath(id, 'run')}`,
      call(workload, 'PATCH', runBody()),
      testEnv,
    )
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') as string
    expect(decodeProtectedHeader(fresh)).toMatchObject({ alg, kid })
  })

  it('HS512 with a 64-byte JWT_SECRET, no kid', async () => {
    const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('')
    const testEnv = bindings({ JWT_PRIVATE_JWK: undefined, JWT_SECRET: secret })
    const app = createApp(testEnv)
    const token = await airflowToken(new TextEncoder().encode(secret), 'HS512', crypto.randomUUID())
    expect((await authenticated(app, testEnv, token)).status).toBe(404)
  })

  it('refuses a secret shorter than RFC 7518 requires, saying how to move an Airflow secret', () => {
    const short = bindings({ JWT_PRIVATE_JWK: undefined, JWT_SECRET: 'x'.repeat(22) })
    expect(() => loadConfig(short)).toThrow(ConfigError)
    expect(() => loadConfig(short)).toThrow(
      /at least 64 bytes.*\[api_auth\] jwt_secret.*openssl rand/,
    )
  })

  it('library: a public JWK without "alg" takes the one allowed algorithm its key fits', async () => {
    const pair = await generateKeyPair('RS512', { modulusLength: 2048, extractable: true })
    const { kty, n, e } = await exportJWK(pair.publicKey)
    const jwk: JWK = { kty, n, e, kid: 'k' }
    const verify = createVerifier({
      profile: taskInstanceProfile,
      keys: localKeys([jwk]),
      algorithms: ['RS512', 'EdDSA'],
    })
    const sub = crypto.randomUUID()
    expect(
      (await verify(await airflowToken(pair.privateKey, 'RS512', sub, { kid: 'k' }))).sub,
    ).toBe(sub)
    expect(() =>
      createVerifier({
        profile: taskInstanceProfile,
        keys: localKeys([jwk]),
        algorithms: ['RS256', 'RS512'],
      }),
    ).toThrow(/fits several allowed algorithms \(RS256, RS512\)/)
    expect(() =>
      createVerifier({
        profile: taskInstanceProfile,
        keys: localKeys([jwk]),
        algorithms: ['EdDSA'],
      }),
    ).toThrow(/fits no allowed algorithm/)
  })
})

describe('GET /execution/docs', () => {
  it('is Swagger UI loading its script and style from this Worker, not a CDN', async () => {
    const res = await SELF.fetch('http://localhost/execution/docs')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('/execution/docs/swagger-ui-dist/swagger-ui-bundle.js')
    expect(html).toContain('/execution/docs/swagger-ui-dist/swagger-ui.css')
    expect(html).toContain("url: '/execution/openapi.json'")
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('serves the two files from the installed swagger-ui-dist (static assets), nothing else', async () => {
    const js = await SELF.fetch(
      'http://localhost/execution/docs/swagger-ui-dist/swagger-ui-bundle.js',
    )
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toContain('javascript')
    expect((await js.text()).length).toBeGreaterThan(100_000)
    const css = await SELF.fetch('http://localhost/execution/docs/swagger-ui-dist/swagger-ui.css')
    expect(css.status).toBe(200)
    await css.body?.cancel()
    for (const other of ['index.html', 'package.json', '..%2Fpackage.json']) {
      const res = await SELF.fetch(`http://localhost/execution/docs/swagger-ui-dist/${other}`)
      expect(res.status).toBe(404)
      await res.body?.cancel()
    }
  })
})
