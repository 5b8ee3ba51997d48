// Refresh and exchange of a DPoP-bound token, through app.request() in workerd: the new token is
// bound to the same key (`cnf` carried over), so it is refused as a bearer token (no downgrade) and
// taken with a proof of that key. Keys are generated here; proofs are signed by jose.
import { Hono } from 'hono'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { dpop } from 'hono-scoped-jwt/dpop'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { accessTokenProfile, jwtAuth, localKeys, routeBuilders, routeTable } from '../../src/index'
import { dpopAuthFor, dpopClient, dpopHeaders } from './dpop-helpers'

const origin = 'https://api.example'
const iss = 'https://api.example/issuer'
const client = await dpopClient('ES256')
const jwk = await generateSigningJwk('ES256')
const { d: _, ...publicJwk } = jwk

/** A request to `path` with `token` under the DPoP scheme and a fresh proof of `client`'s key. */
const withProof = async (path: string, token: string, method: string) => {
  const proof = await client.proof({ htm: method, htu: `${origin}${path}`, token })
  return { method, headers: dpopHeaders(token, proof) }
}
const asBearer = (token: string, method: string) => ({
  method,
  headers: { authorization: `Bearer ${token}` },
})

describe('refresh of a DPoP-bound access token', () => {
  const profile = accessTokenProfile()
  const issuer = createIssuer({ privateJwk: jwk, issuer: iss, audience: 'api', profile })
  const auth = dpopAuthFor(publicJwk, iss)
  const { defineRoute } = routeBuilders(auth)
  const hello = defineRoute({ method: 'get', path: '/hello', handler: (c) => c.text('hi') })
  const app = routeTable(hello, { auth, issuer }).mount(new Hono())

  it('the Refreshed-API-Token carries the same cnf.jkt, is refused as Bearer, taken with a proof', async () => {
    // 30 s to live: due for refresh at once.
    const bound = await issuer.mint({
      sub: 'c1',
      claims: { cnf: { jkt: client.jkt } },
      expiresIn: 30,
    })
    const res = await app.request(`${origin}/hello`, await withProof('/hello', bound, 'GET'))
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') ?? ''
    expect(decodeJwt(fresh)).toMatchObject({ sub: 'c1', cnf: { jkt: client.jkt } })
    const downgrade = await app.request(`${origin}/hello`, asBearer(fresh, 'GET'))
    expect(downgrade.status).toBe(401)
    expect(downgrade.headers.get('www-authenticate')).toContain('error="invalid_token"')
    const ok = await app.request(`${origin}/hello`, await withProof('/hello', fresh, 'GET'))
    expect(ok.status).toBe(200)
  })
})

describe('exchange of a DPoP-bound workload token (task instance profile)', () => {
  const profile = taskInstanceProfile
  const issuer = createIssuer({ privateJwk: jwk, issuer: iss, profile })
  const auth = jwtAuth({
    keys: localKeys([publicJwk]),
    algorithms: ['ES256'],
    issuer: iss,
    profile,
    dpop: dpop(),
  })
  const { defineRoute } = routeBuilders(auth)
  const run = defineRoute({
    method: 'patch',
    path: '/ti/:task_instance_id/run',
    scopes: ['ti:self', 'token:execution', 'token:workload'],
    exchange: true,
    handler: (c) => c.json({ ok: true }),
  })
  const app = routeTable(run, { auth, issuer }).mount(new Hono())
  const ti = crypto.randomUUID()
  const path = `/ti/${ti}/run`

  it('the execution token carries the workload token cnf.jkt and is refused as Bearer', async () => {
    const workload = await issuer.mint({
      sub: ti,
      type: 'workload',
      claims: { cnf: { jkt: client.jkt } },
    })
    const res = await app.request(`${origin}${path}`, await withProof(path, workload, 'PATCH'))
    expect(res.status).toBe(200)
    const fresh = res.headers.get('refreshed-api-token') ?? ''
    expect(decodeJwt(fresh)).toMatchObject({
      sub: ti,
      scope: 'execution',
      cnf: { jkt: client.jkt },
    })
    expect((await app.request(`${origin}${path}`, asBearer(fresh, 'PATCH'))).status).toBe(401)
    const ok = await app.request(`${origin}${path}`, await withProof(path, fresh, 'PATCH'))
    expect(ok.status).toBe(200)
  })
})
