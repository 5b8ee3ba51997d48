// Every row of contract §3, through a mounted table.

import { Hono } from 'hono'
import { jwtAuth, localKeys, routeTable } from 'hono-scoped-jwt'
import { defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer } from 'hono-scoped-jwt/mint'
import { remoteKeys } from 'hono-scoped-jwt/remote'
import { describe, expect, it } from 'vitest'
import { audience, bearer, claims, makeKeys, now, tiId } from './helpers'

const keys = await makeKeys()
const other = await makeKeys()
const publicJwk = { ...keys.jwk, d: undefined }
const route = defineRoute({
  method: 'get',
  path: '/x',
  handler: (c) => c.json({ sub: c.var.tiToken.sub }),
})
const appWith = (options: Partial<Parameters<typeof jwtAuth>[0]> = {}) =>
  routeTable(route, {
    auth: jwtAuth({
      profile: taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: localKeys([publicJwk]),
      ...options,
    }),
  }).mount(new Hono())
const app = appWith()
const challenge = 'Bearer realm="execution-api"'

const expectInvalid = async (res: Response, token?: string) => {
  expect(res.status).toBe(401)
  const body = await res.text()
  expect(JSON.parse(body)).toEqual({ detail: 'Invalid auth token' })
  const header = res.headers.get('www-authenticate') ?? ''
  expect(header).toMatch(
    /^Bearer realm="execution-api", error="invalid_token", error_description="[^"]+"$/,
  )
  if (token) {
    for (const part of token.split('.').filter((p) => p.length > 8)) {
      expect(body).not.toContain(part)
      expect(header).not.toContain(part)
    }
  }
}

describe('the Authorization header', () => {
  it('missing: 401 with a bare challenge', async () => {
    const res = await app.request('/x')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Missing auth token' })
    expect(res.headers.get('www-authenticate')).toBe(challenge)
  })

  it('another scheme: 401 with a bare challenge', async () => {
    const res = await app.request('/x', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(challenge)
  })

  it('the scheme is case-insensitive', async () => {
    const token = await keys.sign(claims())
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await app.request('/x', { headers: { authorization: `${scheme} ${token}` } })
      expect(res.status, scheme).toBe(200)
    }
  })

  it.each([
    ['Bearer with no token', 'Bearer'],
    ['Bearer and spaces', 'Bearer   '],
    ['several tokens', 'Bearer a.b.c d.e.f'],
    ['a comma-joined pair', 'Bearer a.b.c, Bearer d.e.f'],
  ])('%s: 400 invalid_request', async (_name, value) => {
    const res = await app.request('/x', { headers: { authorization: value } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ detail: 'Malformed authorization header' })
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="execution-api", error="invalid_request"/,
    )
  })

  it('several Authorization headers: 400', async () => {
    const token = await keys.sign(claims())
    const headers = new Headers()
    headers.append('authorization', `Bearer ${token}`)
    headers.append('authorization', `Bearer ${token}`)
    expect((await app.request('/x', { headers })).status).toBe(400)
  })

  it('a token in the query string is never read', async () => {
    const token = await keys.sign(claims())
    const res = await app.request(`/x?access_token=${token}&token=${token}`)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Missing auth token' })
  })
})

describe('invalid tokens: 401 invalid_token, never echoing the token', () => {
  const cases: [string, () => Promise<string>][] = [
    ['bad signature', async () => other.sign(claims(), { kid: keys.jwk.kid })],
    ['bad format', async () => 'not-a-jwt'],
    ['two segments', async () => (await keys.sign(claims())).split('.').slice(0, 2).join('.')],
    [
      'alg not allowed (HS256)',
      async () => {
        const { SignJWT } = await import('jose')
        return new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32))
      },
    ],
    ['unknown kid', async () => keys.sign(claims(), { kid: 'nope' })],
    ['wrong aud', async () => keys.sign(claims({ aud: 'urn:other' }))],
    ['aud list without ours', async () => keys.sign(claims({ aud: ['urn:a', 'urn:b'] }))],
    ['missing sub', async () => keys.sign(claims({ sub: undefined }))],
    ['missing exp', async () => keys.sign(claims({ exp: undefined }))],
    ['missing iat', async () => keys.sign(claims({ iat: undefined }))],
    ['missing aud', async () => keys.sign(claims({ aud: undefined }))],
    ['sub not a UUID', async () => keys.sign(claims({ sub: 'ti-1' }))],
    ['nbf in the future', async () => keys.sign(claims({ nbf: now() + 60 }))],
    ['iat in the future', async () => keys.sign(claims({ iat: now() + 60 }))],
    ['unknown scope', async () => keys.sign(claims({ scope: 'admin' }))],
    ['exp not a number', async () => keys.sign(claims({ exp: '9999999999' }))],
    ['too long', async () => keys.sign(claims({ pad: 'x'.repeat(9000) }))],
  ]
  it.each(cases)('%s', async (_name, make) => {
    const token = await make()
    await expectInvalid(await app.request('/x', bearer(token)), token)
  })

  it('a token without nbf verifies (RFC 7519: optional; Airflow does not require it)', async () => {
    const res = await app.request('/x', bearer(await keys.sign(claims({ nbf: undefined }))))
    expect(res.status).toBe(200)
  })

  it('a wrong iss when an issuer is configured', async () => {
    const withIssuer = appWith({ issuer: 'https://airflow.example' })
    const token = await keys.sign(claims({ iss: 'https://evil.example' }))
    await expectInvalid(await withIssuer.request('/x', bearer(token)), token)
    await expectInvalid(await withIssuer.request('/x', bearer(await keys.sign(claims()))))
    const good = await keys.sign(claims({ iss: 'https://airflow.example' }))
    expect((await withIssuer.request('/x', bearer(good))).status).toBe(200)
  })

  it('expired: told apart from invalid', async () => {
    const token = await keys.sign(claims({}, 700, 600))
    const res = await app.request('/x', bearer(token))
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Invalid auth token: expired' })
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="execution-api", error="invalid_token", error_description="The access token expired"',
    )
  })

  it('inside the leeway: accepted (nbf 5 s ahead, exp 5 s ago)', async () => {
    expect(
      (await app.request('/x', bearer(await keys.sign(claims({ nbf: now() + 5 }))))).status,
    ).toBe(200)
    expect(await app.request('/x', bearer(await keys.sign(claims({}, 605, 600))))).toHaveProperty(
      'status',
      200,
    )
  })

  it('the realm is an option', async () => {
    const res = await appWith({ realm: 'tasks' }).request('/x')
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tasks"')
  })
})

describe('keys unavailable', () => {
  it('a remote key set that cannot be reached: 503 with Retry-After, no challenge', async () => {
    const unreachable = appWith({
      keys: remoteKeys('https://keys.invalid/jwks.json'),
      fetch: async () => {
        throw new TypeError('network down')
      },
    })
    const res = await unreachable.request('/x', bearer(await keys.sign(claims())))
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ detail: 'Token keys unavailable' })
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(res.headers.get('www-authenticate')).toBeNull()
  })
})

describe('algorithms', () => {
  it.each(['EdDSA', 'ES256', 'RS256', 'PS256'] as const)(
    '%s: minted tokens verify with the public half',
    async (alg) => {
      const k = await makeKeys(alg)
      const token = await k.issuer.mint({ sub: tiId })
      const verifying = routeTable(route, {
        auth: jwtAuth({
          profile: taskInstanceProfile,
          algorithms: [alg],
          keys: localKeys([k.jwk]),
        }),
      }).mount(new Hono())
      const res = await verifying.request('/x', bearer(token))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ sub: tiId })
    },
  )

  it('HS512 with a shared secret; shorter secrets are refused at creation', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(64))
    const token = await createIssuer({ profile: taskInstanceProfile, secret }).mint({ sub: tiId })
    const verifying = routeTable(route, {
      auth: jwtAuth({ profile: taskInstanceProfile, algorithms: ['HS512'], secret }),
    }).mount(new Hono())
    expect((await verifying.request('/x', bearer(token))).status).toBe(200)
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: ['HS512'], secret: 'short' }),
    ).toThrow('"secret" must be at least 64 bytes')
    expect(() => createIssuer({ profile: taskInstanceProfile, secret: 'short' })).toThrow(
      '"secret" must be at least 64 bytes',
    )
  })

  it('an allow-list is required at creation', () => {
    expect(() =>
      jwtAuth({ profile: taskInstanceProfile, algorithms: [], keys: localKeys([publicJwk]) }),
    ).toThrow('"algorithms" is required')
    expect(() => jwtAuth({ profile: taskInstanceProfile, algorithms: ['EdDSA'] })).toThrow(
      /is required/,
    )
  })

  it('minted tokens carry the contract claims and header', async () => {
    const { decodeJwt, decodeProtectedHeader } = await import('jose')
    const issuer = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: keys.jwk,
      issuer: 'https://airflow.example',
      audience: [audience, 'x'],
    })
    const token = await issuer.mint({ sub: tiId, scope: 'workload', claims: { team: 'a', exp: 1 } })
    const payload = decodeJwt(token)
    expect(payload).toMatchObject({
      sub: tiId,
      scope: 'workload',
      aud: audience,
      iss: 'https://airflow.example',
      team: 'a',
    })
    expect(Number(payload.exp) - Number(payload.iat)).toBe(600)
    expect(payload.nbf).toBe(payload.iat)
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: keys.jwk.kid })
    const { keys: set } = await issuer.jwks()
    expect(set).toHaveLength(1)
    expect(set[0]).not.toHaveProperty('d')
    expect(set[0]).toMatchObject({ kid: keys.jwk.kid, alg: 'EdDSA', use: 'sig' })
  })
})

describe('no credential in logs', () => {
  it('an invalid token leaves no trace of itself in console output', async () => {
    const token = await other.sign(claims(), { kid: keys.jwk.kid })
    const seen: string[] = []
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
    const saved = methods.map((m) => console[m])
    for (const m of methods)
      console[m] = (...args: unknown[]) => void seen.push(args.map(String).join(' '))
    try {
      await appWith().request('/x', bearer(token))
    } finally {
      methods.forEach((m, i) => {
        console[m] = saved[i] as never
      })
    }
    for (const line of seen) expect(line).not.toContain(token.split('.')[2])
  })
})
