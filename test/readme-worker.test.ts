// The README's Worker on the access profile with an OpenID provider is test/readme-worker-example.ts,
// verbatim: tsc checks it, this runs it (the provider stubbed as `fetch` sees it).
import { afterEach, describe, expect, it, vi } from 'vitest'
import readme from '../README.md?raw'
import { toPublicJwk } from '../src/auth/keys/local-keys'
import { accessTokenProfile } from '../src/index'
import { createIssuer, generateSigningJwk } from '../src/mint'
import { IssuerMismatchError } from '../src/remote'
import worker, { type Bindings, createApi } from './readme-worker-example'
import example from './readme-worker-example.ts?raw'

const issuer = 'https://tenant.idp.example/'
const env: Bindings = {
  OIDC_ISSUER: issuer,
  API_AUDIENCE: 'https://api.example.com',
  APP_ORIGIN: 'https://app.example.com',
}

/** The provider: its discovery document (naming `documentIssuer`) and its key set. */
const provider = async (documentIssuer = issuer) => {
  const jwk = await generateSigningJwk('RS256')
  vi.stubGlobal('fetch', async (url: URL | string) =>
    Response.json(
      String(url) === `${issuer}.well-known/openid-configuration`
        ? { issuer: documentIssuer, jwks_uri: `${issuer}jwks` }
        : { keys: [toPublicJwk(jwk)] },
    ),
  )
  const minter = createIssuer({
    privateJwk: jwk,
    issuer,
    audience: env.API_AUDIENCE,
    profile: accessTokenProfile(),
  })
  return (scopes: string[]) => minter.mint({ sub: 'alice', scopes, claims: { org: 'acme' } })
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('README example: a Worker on the access profile with discoveredKeys', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is in the README word for word', () => {
    expect(readme).toContain(example.trim())
  })

  it('runs: discovery, the org in the path, scopes per method', async () => {
    const mint = await provider()
    const api = createApi(env)
    const reader = await mint(['tasks:read'])
    const list = await api.request('/orgs/acme/tasks', bearer(reader), env)
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual({ org: 'acme', tasks: [] })
    expect((await api.request('/orgs/other/tasks', bearer(reader), env)).status).toBe(403)
    const post = (token: string) => ({
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'ship it' }),
    })
    const refused = await api.request('/orgs/acme/tasks', post(reader), env)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toContain('scope="tasks:write"')
    const writer = await mint(['tasks:read', 'tasks:write'])
    const created = await api.request('/orgs/acme/tasks', post(writer), env)
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ org: 'acme', title: 'ship it', by: 'alice' })
  })

  it('the session cookie: another site’s form post is refused, the app’s own goes through', async () => {
    const token = await (await provider())(['tasks:read', 'tasks:write'])
    const api = createApi(env)
    const request = (origin: string, type: string, body: string) => ({
      method: 'POST',
      headers: { cookie: `session=${token}`, origin, 'content-type': type },
      body,
    })
    const form = 'application/x-www-form-urlencoded'
    const forged = await api.request(
      '/orgs/acme/tasks',
      request('https://evil.example', form, 'title=x'),
      env,
    )
    expect(forged.status).toBe(403)
    const json = JSON.stringify({ title: 'x' })
    const own = await api.request(
      '/orgs/acme/tasks',
      request(env.APP_ORIGIN, 'application/json', json),
      env,
    )
    expect(own.status).toBe(201)
  })

  it('the Worker builds the API once per env; an issuer mismatch is a 503 whose cause is logged', async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {} } as never
    const mint = await provider(issuer.replace(/\/$/, ''))
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const url = 'https://api.example.com/orgs/acme/tasks'
    const res = await worker.fetch(new Request(url, bearer(await mint(['tasks:read']))), env, ctx)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBeTruthy()
    const [, cause] = errors.mock.calls[0] ?? []
    expect(cause).toBeInstanceOf(IssuerMismatchError)
    expect((cause as Error).message).toContain(`"${issuer}"`)
    errors.mockRestore()
  })
})
