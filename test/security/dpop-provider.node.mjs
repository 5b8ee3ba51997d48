// DPoP against a real authorization server: oidc-provider on loopback issues JWT access tokens
// for a resource indicator, bound by DPoP (`cnf.jkt`, `token_type: DPoP`) through the
// client_credentials grant; the library (bundled as in the other loopback tests) finds its keys by
// OpenID discovery. The token reaches the Hono handler only with a valid, fresh, matching proof,
// never as a bearer token. Proofs are made by jose, in ES256 and Ed25519.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Hono } from 'hono'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { startProvider } from '../oidc/provider.mjs'
import { lib } from './bundled-library.mjs'

const resource = 'https://api.example/'
const api = 'https://api.example'
// oidc-provider's DPoP feature is on by default in 9.x: a proof at the token endpoint binds the token.
let provider

before(async () => {
  provider = await startProvider({ resource })
})

after(() => provider?.stop())

/** A DPoP client: its key, and proofs for the token endpoint and for the API. */
const client = async (alg) => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(publicKey)
  const proof = async (htm, htu, claims = {}) =>
    new SignJWT({ jti: crypto.randomUUID(), htm, htu, ...claims })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
      .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
      .sign(privateKey)
  return { jkt: await calculateJwkThumbprint(jwk), proof }
}

const ath = async (token) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString(
    'base64url',
  )

/** client_credentials with a DPoP proof: the provider's answer. */
const tokenFor = async (dpopClient) =>
  provider.tokenResponse('tasks:read', await dpopClient.proof('POST', `${provider.issuer}/token`))

const makeApp = (mode) => {
  const auth = lib.jwtAuth({
    keys: lib.discoveredKeys(provider.issuer),
    audience: resource,
    algorithms: ['ES256'],
    profile: lib.accessTokenProfile(),
    // The default proof algorithms: ES256, EdDSA and Ed25519.
    dpop: lib.dpop({ mode }),
  })
  const reached = []
  const app = new Hono().use('/tasks', auth).get('/tasks', (c) => {
    reached.push(c.var.token)
    return c.json({ client: c.var.token.client_id })
  })
  return { app, reached }
}

for (const alg of ['ES256', 'Ed25519']) {
  test(`a DPoP-bound token from oidc-provider, proofs in ${alg}`, async () => {
    const dpopClient = await client(alg)
    const answer = await tokenFor(dpopClient)
    assert.equal(answer.token_type, 'DPoP')
    const { app, reached } = makeApp('required')
    const url = `${api}/tasks`
    const call = (headers) => app.request(url, { headers })
    const proof = async (claims = {}, htm = 'GET', htu = url) =>
      dpopClient.proof(htm, htu, { ath: await ath(answer.access_token), ...claims })
    const dpop = async (p) => call({ authorization: `DPoP ${answer.access_token}`, dpop: p })

    // Bound to this client's key by the provider.
    const payload = JSON.parse(Buffer.from(answer.access_token.split('.')[1], 'base64url'))
    assert.equal(payload.cnf.jkt, dpopClient.jkt)

    const valid = await proof()
    const res = await dpop(valid)
    assert.equal(res.status, 200, res.headers.get('www-authenticate'))
    assert.deepEqual(await res.json(), { client: 'runner' })
    assert.equal(reached.length, 1)

    const refusals = {
      'as a bearer token': () => call({ authorization: `Bearer ${answer.access_token}` }),
      'the same proof again': () => dpop(valid),
      'a proof for POST': async () => dpop(await proof({}, 'POST')),
      'a proof for another URL': async () => dpop(await proof({}, 'GET', `${api}/other`)),
      'a stale proof': async () => dpop(await proof({ iat: Math.floor(Date.now() / 1000) - 600 })),
      'a proof for another token': async () => dpop(await proof({ ath: await ath('x.y.z') })),
      "another client's proof": async () => {
        const thief = await client(alg)
        return dpop(await thief.proof('GET', url, { ath: await ath(answer.access_token) }))
      },
      'no proof': () => call({ authorization: `DPoP ${answer.access_token}` }),
    }
    for (const [name, send] of Object.entries(refusals)) {
      const refused = await send()
      assert.equal(refused.status, 401, name)
      assert.match(refused.headers.get('www-authenticate'), /^DPoP realm="api"/, name)
    }
    assert.equal(reached.length, 1, 'no refused request reached the handler')

    // Where bearer tokens are taken too, this one still is not: it is bound (no downgrade).
    const optional = makeApp('optional')
    const res2 = await optional.app.request(url, {
      headers: { authorization: `Bearer ${answer.access_token}` },
    })
    assert.equal(res2.status, 401)
    assert.match(res2.headers.get('www-authenticate'), /error="invalid_token"/)
    assert.equal(optional.reached.length, 0)
  })
}
