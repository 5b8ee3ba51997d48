import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { decodeJwt } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { call, queue, runBody, running, setup, tiPath, tokenFor } from './helpers'

const ctx = setup()
const { request, issuer } = ctx

const workloadRefusal = {
  detail: "Token type 'workload' not allowed for this endpoint. Allowed types: execution",
}

describe('workload tokens', () => {
  it('are exchanged at /run for an execution token in Refreshed-API-Token', async () => {
    const id = await queue()
    const workload = await tokenFor(issuer, id, { scope: 'workload' })
    const res = await request(tiPath(id, 'run'), call(workload, 'PATCH', runBody()))
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') as string
    const claims = decodeJwt(fresh)
    expect(claims).toMatchObject({
      sub: id,
      scope: 'execution',
      aud: 'urn:airflow.apache.org:task',
    })
    expect((claims.exp as number) - (claims.iat as number)).toBe(600)
    expect(claims.jti).not.toBe(decodeJwt(workload).jti)
  })

  it('get no execution token when /run fails', async () => {
    const id = crypto.randomUUID()
    const workload = await tokenFor(issuer, id, { scope: 'workload' })
    const res = await request(tiPath(id, 'run'), call(workload, 'PATCH', runBody()))
    expect(res.status).toBe(404)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })

  const refusals: [string, (id: string) => string, string, unknown][] = [
    ['heartbeat', (id) => tiPath(id, 'heartbeat'), 'PUT', { hostname: 'worker-1', pid: 4242 }],
    [
      'state',
      (id) => tiPath(id, 'state'),
      'PATCH',
      { state: 'success', end_date: '2026-01-01T00:00:00Z' },
    ],
    ['connections', () => '/execution/connections/db', 'GET', undefined],
    ['variables', () => '/execution/variables/v', 'GET', undefined],
    ['variables (put)', () => '/execution/variables/v', 'PUT', { value: 'x' }],
    ['xcoms', () => '/execution/xcoms/d/r/t/k', 'GET', undefined],
  ]
  for (const [name, path, method, body] of refusals) {
    it(`are refused on ${name}: 403 with the contract's detail`, async () => {
      const { id } = await running(ctx)
      const workload = await tokenFor(issuer, id, { scope: 'workload' })
      const res = await request(path(id), call(workload, method, body))
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual(workloadRefusal)
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer realm="execution-api", error="insufficient_scope", scope="token:execution"',
      )
    })
  }
})

describe('ti:self', () => {
  it('refuses a token for another task instance: 403', async () => {
    const { id } = await running(ctx)
    const other = await tokenFor(issuer, crypto.randomUUID())
    const res = await request(
      tiPath(id, 'heartbeat'),
      call(other, 'PUT', { hostname: 'worker-1', pid: 4242 }),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: 'Token subject does not match task instance ID' })
  })

  it('compares as UUIDs: an upper-case path matches a lower-case subject', async () => {
    const { id, token } = await running(ctx)
    const res = await request(
      tiPath(id.toUpperCase(), 'heartbeat'),
      call(token, 'PUT', { hostname: 'worker-1', pid: 4242 }),
    )
    expect(res.status).toBe(204)
  })
})

describe('near-expiry refresh', () => {
  it('re-issues an execution token with at most max(0.2 × lifetime, 30) s left', async () => {
    const { id } = await running(ctx)
    const token = await tokenFor(issuer, id, { expiresIn: 600 })
    const beat = () =>
      request(tiPath(id, 'heartbeat'), call(token, 'PUT', { hostname: 'worker-1', pid: 4242 }))
    const early = await beat()
    expect(early.status).toBe(204)
    expect(early.headers.get('refreshed-api-token')).toBeNull()
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 481_000)
      const late = await beat()
      expect(late.status).toBe(204)
      const fresh = decodeJwt(late.headers.get('refreshed-api-token') as string)
      expect(fresh).toMatchObject({ sub: id, scope: 'execution' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('never refreshes a workload token', async () => {
    const id = await queue()
    const workload = await tokenFor(issuer, id, { scope: 'workload', expiresIn: 31 })
    const res = await request(
      tiPath(crypto.randomUUID(), 'run'),
      call(workload, 'PATCH', runBody()),
    )
    expect(res.status).toBe(403)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })
})

describe('authentication answers', () => {
  it('401 without a token, never reading a query-string token', async () => {
    const id = await queue()
    const token = await tokenFor(issuer, id)
    const res = await request(`${tiPath(id, 'run')}?token=${token}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(runBody()),
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ detail: 'Missing auth token' })
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="execution-api"')
  })

  it('401 for a token signed by another key, expired detail for an expired one', async () => {
    const stranger = createIssuer({
      profile: taskInstanceProfile,
      privateJwk: await generateSigningJwk(),
    })
    const id = await queue()
    const foreign = await tokenFor(stranger, id)
    const res = await request('/execution/variables/v', call(foreign, 'GET'))
    // Another generated key has another kid: no key matches.
    expect(res.status).toBe(401)
    const expired = await tokenFor(issuer, id, { expiresIn: 1 })
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 60_000)
      const late = await request('/execution/variables/v', call(expired, 'GET'))
      expect(late.status).toBe(401)
      expect(await late.json()).toEqual({ detail: 'Invalid auth token: expired' })
    } finally {
      vi.useRealTimers()
    }
  })
})
