// A real OpenID provider on loopback: oidc-provider (npm, a devDependency) issuing JWT access
// tokens (RFC 9068) for one resource through client_credentials. Its signing key is generated at
// start, so two providers never share one (oidc-provider's development keys would be the same).
import { createServer } from 'node:http'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

// oidc-provider keeps grants and tokens in an adapter; this Map is its own quick-start adapter
// without the warning it prints.
class MemoryAdapter {
  store = new Map()
  async upsert(id, payload) {
    this.store.set(id, payload)
  }
  async find(id) {
    return this.store.get(id)
  }
  async findByUid() {}
  async findByUserCode() {}
  async consume(id) {
    const payload = this.store.get(id)
    if (payload) payload.consumed = Math.floor(Date.now() / 1000)
  }
  async destroy(id) {
    this.store.delete(id)
  }
  async revokeByGrantId() {}
}

/**
 * Starts a provider on 127.0.0.1 (a free port) whose tokens are for `resource` (their `aud`).
 * Returns its issuer URL, `token(scope?)` to get an access token (`tokenResponse(scope?, dpop?)`
 * for the whole answer, DPoP-bound with a proof), `hits` (requests by path, to
 * count discovery and key set fetches) and `stop()`, which closes it for good.
 */
export const startProvider = async ({ resource, alg = 'ES256', clientId = 'runner' }) => {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: crypto.randomUUID() }
  const hits = {}
  let handle = (_req, res) => res.writeHead(503).end()
  const server = createServer((req, res) => {
    const path = req.url.split('?')[0]
    hits[path] = (hits[path] ?? 0) + 1
    handle(req, res)
  })
  const port = await new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.address().port)),
  )
  const issuer = `http://127.0.0.1:${port}`
  const secret = crypto.randomUUID()
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        id_token_signed_response_alg: alg,
      },
    ],
    adapter: MemoryAdapter,
    jwks: { keys: [jwk] },
    ttl: { ClientCredentials: 300 },
    scopes: ['tasks:read'],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new Provider.errors.InvalidTarget()
          return {
            scope: 'tasks:read',
            audience: resource,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          }
        },
      },
    },
  })
  // No proxy in front: the issuer is exactly the loopback URL.
  handle = provider.callback()

  // The token endpoint's answer; with `dpop` (a proof for `POST <issuer>/token`), a DPoP-bound token.
  const tokenResponse = async (scope = 'tasks:read', dpop) => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${clientId}:${secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...(dpop ? { dpop } : {}),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
    })
    const body = await res.json()
    if (!res.ok) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`)
    return body
  }
  const token = async (scope) => (await tokenResponse(scope)).access_token
  const stop = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
  return { issuer, jwk, hits, token, tokenResponse, stop }
}
