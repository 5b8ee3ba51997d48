import { SELF } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { generateSigningJwk } from 'hono-scoped-jwt/mint'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/execution-api/app'
import { ConfigError, loadConfig } from '../../src/execution-api/config'
import worker, { appFor } from '../../src/execution-api/worker'
import { bindings, call, queue, runBody, tiPath } from './helpers'

afterEach(() => vi.restoreAllMocks())

describe('the Worker with the bindings of wrangler.toml (no key)', () => {
  it('serves the public routes', async () => {
    const health = await SELF.fetch('http://localhost/execution/health')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'healthy' })
    const jwks = await SELF.fetch('http://localhost/execution/.well-known/jwks.json')
    expect(await jwks.json()).toEqual({ keys: [] })
  })

  it('answers 503 with Retry-After on authenticated routes, and logs the missing binding', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = createApp(env)
    const id = crypto.randomUUID()
    for (const init of [{ method: 'PATCH' }, call('anything', 'PATCH', runBody())]) {
      const res = await app.request(`http://localhost${tiPath(id, 'run')}`, init, env)
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('30')
      expect(res.headers.get('www-authenticate')).toBeNull()
      expect(await res.json()).toEqual({ detail: 'Token keys unavailable' })
    }
    expect(log).toHaveBeenCalledWith(expect.stringContaining('JWT_PRIVATE_JWK'))
    const viaSelf = await SELF.fetch(`http://localhost${tiPath(id, 'heartbeat')}`, {
      method: 'PUT',
    })
    expect(viaSelf.status).toBe(503)
  })
})

describe('keys and settings from bindings', () => {
  it('builds the app once per isolate and set of bindings', () => {
    const testEnv = bindings()
    expect(appFor(testEnv)).toBe(appFor(testEnv))
    expect(appFor(bindings())).not.toBe(appFor(testEnv))
  })

  it('refuses to start with a JWT_SECRET shorter than 64 bytes', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const weak = { ...env, JWT_SECRET: 'x'.repeat(63) }
    expect(() => loadConfig(weak)).toThrow(ConfigError)
    const res = await worker.fetch(
      new Request('http://localhost/execution/health'),
      weak,
      {} as ExecutionContext,
    )
    expect(res.status).toBe(500)
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('"JWT_SECRET" must be at least 64 bytes'),
    )
  })

  it('verifies and mints with a 64-byte JWT_SECRET (HS512)', async () => {
    const testEnv = { ...env, JWT_SECRET: 's'.repeat(64) }
    const config = loadConfig(testEnv)
    expect(config.verify?.algorithms).toEqual(['HS512', 'HS384', 'HS256'])
    expect(config.issuer?.secret).toBe(testEnv.JWT_SECRET)
  })

  it('refuses a broken or weak JWT_PRIVATE_JWK', async () => {
    expect(() => loadConfig({ ...env, JWT_PRIVATE_JWK: '{' })).toThrow(/not JSON/)
    const { kid: _, ...noKid } = await generateSigningJwk()
    expect(() => loadConfig({ ...env, JWT_PRIVATE_JWK: JSON.stringify(noKid) })).toThrow(/kid/)
    const { d: __, ...publicOnly } = await generateSigningJwk()
    expect(() => loadConfig({ ...env, JWT_PRIVATE_JWK: JSON.stringify(publicOnly) })).toThrow(
      /private/,
    )
  })

  it('reads audience, issuer, leeway and lifetimes from vars', async () => {
    const config = loadConfig(
      bindings({
        JWT_AUDIENCE: 'a, b',
        JWT_ISSUER: 'https://scheduler',
        JWT_LEEWAY: '5',
        JWT_EXPIRATION_TIME: '120',
        WORKLOAD_TOKEN_EXPIRATION_TIME: '3600',
      }),
    )
    expect(config.verify).toMatchObject({
      audience: ['a', 'b'],
      issuer: 'https://scheduler',
      leeway: 5,
    })
    expect(config.issuer).toMatchObject({ expirationTime: 120, workloadExpirationTime: 3600 })
    expect(() => loadConfig(bindings({ JWT_LEEWAY: 'soon' }))).toThrow(/JWT_LEEWAY/)
    expect(() => loadConfig(bindings({ MULTI_TEAM: 'yes' }))).toThrow(/MULTI_TEAM/)
  })

  it('serves the public half of JWT_PRIVATE_JWK, and mints with JWT_ISSUER and the first audience', async () => {
    const testEnv = bindings({ JWT_AUDIENCE: 'first,second', JWT_ISSUER: 'https://scheduler' })
    const app = createApp(testEnv)
    const res = await app.request('http://localhost/execution/.well-known/jwks.json', {}, testEnv)
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] }
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
    expect(keys[0]).not.toHaveProperty('d')

    const id = await queue()
    const { createIssuer } = await import('hono-scoped-jwt/mint')
    const issuer = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: testEnv.JWT_PRIVATE_JWK,
      audience: 'second',
      issuer: 'https://scheduler',
    })
    const workload = await issuer.mint({ sub: id, scope: 'workload' })
    const run = await app.request(
      `http://localhost${tiPath(id, 'run')}`,
      call(workload, 'PATCH', runBody()),
      testEnv,
    )
    expect(run.status).toBe(200)
    const { decodeJwt } = await import('jose')
    const fresh = decodeJwt(run.headers.get('refreshed-api-token') as string)
    expect(fresh).toMatchObject({ aud: 'first', iss: 'https://scheduler' })
  })
})
