// The task instance profile through the generic pieces: self: scopes compare as UUIDs, a claims
// schema added with withClaims checks and types extra claims, and the issuer honours it.
import { Hono } from 'hono'
import { jwtAuth, localKeys, routeBuilders, routeTable, withClaims } from 'hono-scoped-jwt'
import { taskInstanceProfile, tiClaimsSchema } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

const id = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
let jwk: Awaited<ReturnType<typeof generateSigningJwk>>
beforeAll(async () => {
  jwk = await generateSigningJwk()
})
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('self: under the task profile', () => {
  it('compares as UUIDs, as ti:self does, with its own refusal', async () => {
    const auth = jwtAuth({
      profile: taskInstanceProfile,
      keys: localKeys([jwk]),
      algorithms: ['EdDSA'],
    })
    const { defineRoute } = routeBuilders(auth)
    const route = defineRoute({
      method: 'get',
      path: '/runs/:run_ti',
      scopes: ['self:run_ti'],
      handler: (c) => c.json({ sub: c.var.tiToken.sub }),
    })
    const app = routeTable(route, { auth }).mount(new Hono())
    const token = await createIssuer({ profile: taskInstanceProfile, privateJwk: jwk }).mint({
      sub: id,
    })
    expect((await app.request(`/runs/${id.toUpperCase()}`, bearer(token))).status).toBe(200)
    const other = await app.request(`/runs/${crypto.randomUUID()}`, bearer(token))
    expect(other.status).toBe(403)
    expect(await other.json()).toEqual({
      detail: "Token subject does not match path parameter 'run_ti'",
    })
  })
})

describe('withClaims', () => {
  const profile = withClaims(taskInstanceProfile, z.object({ team: z.string().min(1) }))

  it('checks the extra claims after the profile’s own, and types them', async () => {
    const auth = jwtAuth({ keys: localKeys([jwk]), algorithms: ['EdDSA'], profile })
    const app = new Hono().get('/t', auth, (c) => c.json({ team: c.var.tiToken.team }))
    const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
    const good = await issuer.mint({ sub: id, claims: { team: 'blue' } })
    const res = await app.request('/t', bearer(good))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ team: 'blue' })
    const missing = await app.request('/t', bearer(await issuer.mint({ sub: id })))
    expect(missing.status).toBe(401)
    // The challenge drops the quotes around the claim's name (RFC 6750 §3 character set).
    expect(missing.headers.get('www-authenticate')).toContain(
      `error_description="The token's team claim is missing or invalid"`,
    )
  })

  it('the issuer of that profile refuses to mint without the claim', async () => {
    const issuer = createIssuer({ privateJwk: jwk, profile })
    await expect(issuer.mint({ sub: id })).rejects.toThrow('"team"')
    await expect(issuer.mint({ sub: id, claims: { team: 'red' } })).resolves.toMatch(/^ey/)
  })
})

describe('tiClaimsSchema()', () => {
  it('is zod for task claims, built once: scope defaults to execution, sub must be a UUID', () => {
    expect(tiClaimsSchema()).toBe(tiClaimsSchema())
    const claims = { sub: id, aud: 'urn:airflow.apache.org:task', exp: 2, iat: 1, team: 'red' }
    expect(tiClaimsSchema().parse(claims)).toEqual({ ...claims, scope: 'execution' })
    expect(tiClaimsSchema().safeParse({ ...claims, sub: 'alice' }).success).toBe(false)
    expect(tiClaimsSchema().safeParse({ ...claims, exp: Number.POSITIVE_INFINITY }).success).toBe(
      false,
    )
  })
})

describe('managed claims', () => {
  it('are the registered claims and scope, written out so that bundlers may drop the set', async () => {
    const { registeredClaims } = await import('../../src/auth/profile/task-instance')
    const { registeredClaimNames } = await import('../../src/auth/profile/profile')
    expect([...registeredClaims].sort()).toEqual([...registeredClaimNames, 'scope'].sort())
  })
})
