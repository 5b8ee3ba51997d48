// OpenID discovery against a real HTTP server on loopback (Node, as loopback.node.mjs): the
// discovery document is fetched once, its issuer must be the configured one, and its jwks_uri
// becomes a remote key set with the remoteKeys rules.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, test } from 'node:test'
import { SignJWT } from 'jose'
import { lib } from './bundled-library.mjs'

const timings = { timeoutDuration: 300, cooldownDuration: 200, cacheMaxAge: 60_000 }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const signer = async () => {
  const { privateKey, publicKey } = await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])
  const { x, kty, crv } = await crypto.subtle.exportKey('jwk', publicKey)
  const kid = crypto.randomUUID()
  const sign = (claims) =>
    new SignJWT({ sub: 'alice', aud: 'https://api.example.com', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
  return { jwk: { kty, crv, x, alg: 'EdDSA', kid }, sign }
}

/** An OpenID provider on loopback; `state.issuer` is what its document claims, `hits` counts paths. */
const provider = async (jwk) => {
  const state = { issuer: undefined, jwksUri: undefined, hits: {} }
  const server = createServer((req, res) => {
    state.hits[req.url] = (state.hits[req.url] ?? 0) + 1
    const json = (body) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (req.url === '/tenant/.well-known/openid-configuration') {
      return json({ issuer: state.issuer, jwks_uri: state.jwksUri })
    }
    if (req.url === '/tenant/jwks') return json({ keys: [jwk] })
    res.writeHead(404).end()
  })
  const port = await new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.address().port)),
  )
  const issuer = `http://127.0.0.1:${port}/tenant/`
  state.issuer = issuer
  state.jwksUri = `http://127.0.0.1:${port}/tenant/jwks`
  servers.push(server)
  return { state, issuer }
}

const servers = []
after(() => {
  for (const s of servers) s.closeAllConnections()
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
})

const outcome = (promise) =>
  promise.then(
    () => 200,
    (error) => {
      assert.ok(error instanceof lib.AuthError, `not an AuthError: ${error}`)
      return error.status
    },
  )

const verifierFor = (issuer, onEvent) =>
  lib.createVerifier({
    algorithms: ['EdDSA'],
    keys: lib.discoveredKeys(issuer, { ...timings, onEvent }),
    audience: 'https://api.example.com',
    profile: lib.accessTokenProfile(),
  })

test('discovery: the document once, its jwks_uri for keys, iss required to be the issuer', async () => {
  const keys = await signer()
  const { state, issuer } = await provider(keys.jwk)
  const verify = verifierFor(issuer)
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 200)
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 200)
  assert.equal(await outcome(verify(await keys.sign({ iss: 'https://evil.example/' }))), 401)
  assert.equal(state.hits['/tenant/.well-known/openid-configuration'], 1)
  assert.equal(state.hits['/tenant/jwks'], 1)
})

test('an issuer mismatch in the document is refused: 503, and its key set is never fetched', async () => {
  const keys = await signer()
  const { state, issuer } = await provider(keys.jwk)
  state.issuer = 'https://evil.example/'
  const verify = verifierFor(issuer)
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 503)
  assert.equal(state.hits['/tenant/jwks'], undefined)
  // Within the cooldown: no second fetch; after it, a corrected document is used.
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 503)
  assert.equal(state.hits['/tenant/.well-known/openid-configuration'], 1)
  state.issuer = issuer
  await sleep(220)
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 200)
})

test('a jwks_uri that is not https (nor loopback) is refused: 503', async () => {
  const keys = await signer()
  const { state, issuer } = await provider(keys.jwk)
  state.jwksUri = 'http://keys.example/jwks'
  const verify = verifierFor(issuer)
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 503)
})

test('an issuer URL that is not https (nor loopback) throws when the verifier is created', () => {
  assert.throws(() => verifierFor('http://idp.example/'), /"discoveredKeys" must use https:/)
})

// Issue 19, item 9: what a new user meets first, an issuer that differs by a slash or a host name.
const mismatches = [
  ['a trailing slash', (issuer) => issuer.replace(/\/$/, '')],
  ['localhost against 127.0.0.1', (issuer) => issuer.replace('127.0.0.1', 'localhost')],
]
for (const [name, documentIssuer] of mismatches) {
  test(`issuer mismatch (${name}): the 503's cause and the key-set event name both issuers`, async () => {
    const keys = await signer()
    const { state, issuer } = await provider(keys.jwk)
    state.issuer = documentIssuer(issuer)
    const events = []
    const verify = verifierFor(issuer, (event) => events.push(event))
    const error = await verify(await keys.sign({ iss: issuer })).catch((e) => e)
    assert.ok(error instanceof lib.KeysUnavailableError)
    assert.equal(error.status, 503)
    const { cause } = error
    assert.ok(cause instanceof lib.IssuerMismatchError, `cause: ${cause}`)
    assert.equal(cause.code, 'ERR_ISSUER_MISMATCH')
    assert.equal(cause.expected, issuer)
    assert.equal(cause.found, state.issuer)
    assert.ok(cause.message.includes(`"${issuer}"`), cause.message)
    assert.ok(cause.message.includes(`"${state.issuer}"`), cause.message)
    assert.deepEqual(
      events.map(({ type, url, error }) => ({ type, url, error })),
      [{ type: 'failed', url: `${issuer}.well-known/openid-configuration`, error: cause }],
    )
  })
}

test('a failing key set fetch is reported through the key-set events hook', async () => {
  const keys = await signer()
  const { state, issuer } = await provider(keys.jwk)
  state.jwksUri = state.jwksUri.replace('/jwks', '/gone')
  const events = []
  const verify = verifierFor(issuer, (event) => events.push(event))
  assert.equal(await outcome(verify(await keys.sign({ iss: issuer }))), 503)
  assert.equal(events.length, 1)
  assert.equal(events[0].type, 'failed')
  assert.equal(events[0].url, state.jwksUri)
  assert.match(events[0].error.message, /status 404/)
})
