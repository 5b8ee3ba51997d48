// 1,000 concurrent requests with distinct valid tokens (and forged ones among them) through a
// mounted route table in workerd: every answer right, one verification per request, no token or
// memo shared between requests.

import { Hono } from 'hono'
import { jwtAuth, routeTable } from 'hono-scoped-jwt'
import { defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { importJWK } from 'jose'
import { expect, it } from 'vitest'
import { claims, ed25519Signer } from './helpers'

const signer = await ed25519Signer()
const forger = await ed25519Signer(signer.jwk.kid)
const key = (await importJWK(signer.jwk, 'EdDSA')) as CryptoKey
const counter = { verifications: 0 }
const auth = jwtAuth({
  profile: taskInstanceProfile,
  algorithms: ['EdDSA'],
  getKey: async () => {
    counter.verifications++
    return key
  },
})

const route = defineRoute({
  method: 'get',
  path: '/ti/:task_instance_id',
  scopes: ['ti:self'],
  handler: (c) => c.json({ sub: c.var.tiToken.sub, nonce: c.var.tiToken.nonce }),
})
const app = new Hono()
// The middleware in front and the route's own guard both ask: still one verification per request.
app.use('/ti/*', auth)
routeTable(route, { auth }).mount(app)

it('1,000 valid and 250 forged tokens at once: each answered on its own token', async () => {
  const valid = await Promise.all(
    Array.from({ length: 1000 }, async () => {
      const sub = crypto.randomUUID()
      const nonce = crypto.randomUUID()
      return { sub, nonce, forged: false, token: await signer.token(claims({ sub, nonce })) }
    }),
  )
  const forged = await Promise.all(
    Array.from({ length: 250 }, async () => {
      const sub = crypto.randomUUID()
      return { sub, nonce: '', forged: true, token: await forger.token(claims({ sub })) }
    }),
  )
  // Interleaved, so that forged requests run between valid ones.
  const requests = valid.flatMap((v, i) =>
    i % 4 === 0 ? [v, forged[i / 4] as (typeof forged)[0]] : [v],
  )
  counter.verifications = 0
  const started = performance.now()
  const answers = await Promise.all(
    requests.map(async (r) => {
      const res = await app.request(`/ti/${r.sub}`, {
        headers: { authorization: `Bearer ${r.token}` },
      })
      return { r, status: res.status, body: (await res.json()) as Record<string, unknown> }
    }),
  )
  const elapsed = performance.now() - started
  console.log(
    `load: ${requests.length} concurrent requests in ${elapsed.toFixed(0)} ms, ` +
      `${counter.verifications} verifications`,
  )
  for (const { r, status, body } of answers) {
    if (r.forged) {
      expect(status).toBe(401)
      expect(body).toEqual({ detail: 'Invalid auth token' })
    } else {
      expect(status).toBe(200)
      expect(body).toEqual({ sub: r.sub, nonce: r.nonce })
    }
  }
  expect(counter.verifications).toBe(requests.length)
})
