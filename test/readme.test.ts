// The README's example is this repository's test/readme-example.ts, verbatim: tsc checks it, this runs it.

import { accessTokenProfile } from 'hono-scoped-jwt'
import { taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { afterEach, describe, expect, it, vi } from 'vitest'
import readme from '../README.md?raw'
import { makeApi } from './readme-api-example'
import apiExample from './readme-api-example.ts?raw'
import { makeApp } from './readme-example'
import example from './readme-example.ts?raw'

describe('README example: an API with scopes per route', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is in the README word for word, before the Airflow example', () => {
    expect(readme).toContain(apiExample.trim())
    expect(readme.indexOf(apiExample.trim())).toBeLessThan(readme.indexOf(example.trim()))
  })

  it('runs: discovery, ownership by org, tasks:read then tasks:write', async () => {
    const issuer = 'https://idp.example/'
    const jwk = await generateSigningJwk('RS256')
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk
    // The OpenID provider, as fetch sees it: its discovery document and its key set.
    vi.stubGlobal('fetch', async (url: URL | string) => {
      const body =
        String(url) === 'https://idp.example/.well-known/openid-configuration'
          ? { issuer, jwks_uri: 'https://idp.example/jwks' }
          : { keys: [publicJwk] }
      return new Response(JSON.stringify(body), { status: 200 })
    })
    const mint = createIssuer({
      privateJwk: jwk,
      issuer,
      audience: 'https://api.example.com',
      profile: accessTokenProfile(),
    })
    const app = makeApi(issuer, 'https://api.example.com')
    const reader = await mint.mint({
      sub: 'alice',
      scopes: ['tasks:read'],
      claims: { org: 'acme' },
    })
    const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
    const list = await app.request('/orgs/acme/tasks', auth(reader))
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual({ org: 'acme' })
    expect((await app.request('/orgs/other/tasks', auth(reader))).status).toBe(403)
    const post = await app.request('/orgs/acme/tasks', { method: 'POST', ...auth(reader) })
    expect(post.status).toBe(403)
    expect(post.headers.get('www-authenticate')).toContain('scope="tasks:read tasks:write"')
    const writer = await mint.mint({
      sub: 'alice',
      scopes: ['tasks:read', 'tasks:write'],
      claims: { org: 'acme' },
    })
    const created = await app.request('/orgs/acme/tasks', { method: 'POST', ...auth(writer) })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ createdBy: 'alice' })
  })
})

describe('README example', () => {
  it('is in the README word for word', () => {
    expect(readme).toContain(example.trim())
  })

  it("imports zod as a namespace, as the README's Deploying section advises", () => {
    for (const source of [example, apiExample]) {
      expect(source).toContain("import * as z from 'zod'")
      expect(source).not.toContain("import { z } from 'zod'")
    }
  })

  it('runs: a workload token is accepted by /run alone and exchanged', async () => {
    const jwk = JSON.stringify(await generateSigningJwk())
    const app = makeApp(jwk)
    const id = crypto.randomUUID()
    const workload = await createIssuer({ profile: taskInstanceProfile, privateJwk: jwk }).mint({
      sub: id,
      scope: 'workload',
    })
    const headers = { authorization: `Bearer ${workload}`, 'content-type': 'application/json' }
    const heartbeat = await app.request(`/execution/task-instances/${id}/heartbeat`, {
      method: 'PUT',
      headers,
    })
    expect(heartbeat.status).toBe(403)
    const run = await app.request(`/execution/task-instances/${id}/run`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ hostname: 'h', pid: 1 }),
    })
    expect(run.status).toBe(200)
    expect(await run.json()).toEqual({ ti: id, pid: 1 })
    const execution = run.headers.get('refreshed-api-token') ?? ''
    const again = await app.request(`/execution/task-instances/${id}/heartbeat`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${execution}` },
    })
    expect(again.status).toBe(204)
  })
})
