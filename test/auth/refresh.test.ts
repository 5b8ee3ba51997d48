// Contract §5: near-expiry refresh and the /run exchange, from the claims verified for the request.

import { refreshThreshold } from 'hono-scoped-jwt/mint'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { bearer, claims, countingAuth, makeKeys, mountApp, seedTable, tiId } from './helpers'

const keys = await makeKeys()
const { auth, counter } = countingAuth(keys)
const app = mountApp(seedTable(), { auth, issuer: keys.issuer })
const heartbeat = (token: string) =>
  app.request(`/execution/task-instances/${tiId}/heartbeat`, { method: 'PUT', ...bearer(token) })

describe('near-expiry refresh', () => {
  it.each([
    [25, 60, false],
    [31, 60, true],
    [400, 600, false],
    [480, 600, true],
  ])('age %i s of a %i s token → refreshed: %s', async (age, lifetime, refreshed) => {
    const res = await heartbeat(await keys.sign(claims({ team: 'blue' }, age, lifetime)))
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token')
    expect(fresh !== null).toBe(refreshed)
    if (fresh) {
      const payload = decodeJwt(fresh)
      expect(payload).toMatchObject({ sub: tiId, scope: 'execution', team: 'blue' })
      expect(Number(payload.exp) - Number(payload.iat)).toBe(600)
      expect((await heartbeat(fresh)).status).toBe(200)
    }
  })

  it('the threshold is max(floor(0.2 × lifetime), 30)', () => {
    expect(refreshThreshold({ iat: 0, exp: 60 })).toBe(30)
    expect(refreshThreshold({ iat: 0, exp: 600 })).toBe(120)
    expect(refreshThreshold({ iat: 0, exp: 601 })).toBe(120)
  })

  it('a token 1 s past exp, inside the leeway, is accepted and refreshed with one verification', async () => {
    const before = counter.verifications
    const res = await heartbeat(await keys.sign(claims({ jti: 'old' }, 601, 600)))
    expect(res.status).toBe(200)
    const fresh = decodeJwt(res.headers.get('refreshed-api-token') ?? '')
    expect(fresh.jti).not.toBe('old')
    expect(counter.verifications - before).toBe(1)
  })

  it('workload tokens are never refreshed, even near expiry, except by exchange', async () => {
    const res = await app.request(
      '/execution/default',
      bearer(await keys.sign(claims({ scope: 'workload' }, 590, 600))),
    )
    expect(res.status).toBe(403)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })

  it('a refused request gets no new token', async () => {
    const res = await app.request(`/execution/task-instances/${crypto.randomUUID()}/heartbeat`, {
      method: 'PUT',
      ...bearer(await keys.sign(claims({}, 590, 600))),
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })
})

describe('exchange on the opted-in route', () => {
  const run = (token: string) =>
    app.request(`/execution/task-instances/${tiId}/run`, { method: 'PATCH', ...bearer(token) })

  it('a workload token gets an execution token for the same task instance', async () => {
    const res = await run(await keys.sign(claims({ scope: 'workload' })))
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') ?? ''
    expect(decodeJwt(fresh)).toMatchObject({ sub: tiId, scope: 'execution' })
    expect((await heartbeat(fresh)).status).toBe(200)
  })

  it('an execution token far from expiry gets none', async () => {
    const res = await run(await keys.sign(claims()))
    expect(res.status).toBe(200)
    expect(res.headers.get('refreshed-api-token')).toBeNull()
  })
})
