import assert from 'node:assert/strict'
import { type Context, test } from './harness.ts'
import { call, expectError, expectNoEcho, expectStatus } from './http.ts'

// Contract §3: what a request gets, read from the Authorization header only.

const path = '/variables/seeded_var'
const now = () => Math.floor(Date.now() / 1000)
const invalid = 'Invalid auth token'
const missing = 'Missing auth token'
const malformed = 'Malformed authorization header'

test('§3 no Authorization header: 401 with a bare challenge', async ({ baseUrl }) => {
  expectError(await call(baseUrl, 'GET', path), 401, missing)
})

test('§3 another scheme: 401 as if missing', async ({ baseUrl, mint }) => {
  const token = await mint()
  expectError(await call(baseUrl, 'GET', path, { authorization: `Basic ${token}` }), 401, missing)
})

test('§3 a token in the query string is never read', async ({ baseUrl, mint }) => {
  const token = await mint()
  const query = `${path}?token=${token}&access_token=${token}`
  expectError(await call(baseUrl, 'GET', query), 401, missing)
})

test('§3 the scheme is case-insensitive', async ({ baseUrl, mint }) => {
  const answer = await call(baseUrl, 'GET', path, { authorization: `bEaReR ${await mint()}` })
  expectStatus(answer, 200)
})

for (const [name, authorization] of [
  ['no token', 'Bearer'],
  ['no token after a space', 'Bearer '],
  ['several tokens', 'Bearer aaa.bbb.ccc ddd.eee.fff'],
  ['several Authorization headers', ['Bearer aaa.bbb.ccc', 'Bearer ddd.eee.fff']],
] as const) {
  test(`§3 ${name}: 400 invalid_request`, async ({ baseUrl }) => {
    const answer = await call(baseUrl, 'GET', path, { authorization: [authorization].flat() })
    expectError(answer, 400, malformed, { error: 'invalid_request' })
  })
}

/** Tokens that must all be refused with 401 invalid_token. */
const invalidTokens: [string, (mint: Context['mint']) => Promise<string>][] = [
  ['a bad signature', (mint) => mint({}, { key: 'other' })],
  ['not a JWS', async () => 'not-a.jwt'],
  ['an alg outside the allow-list (HS256)', (mint) => mint({}, { key: 'hs256' })],
  [
    'alg none',
    async (mint) => {
      const [, payload] = (await mint()).split('.')
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
      return `${header}.${payload}.`
    },
  ],
  ['an unknown kid', (mint) => mint({}, { header: { kid: 'no-such-key' } })],
  ['a wrong audience', (mint) => mint({ aud: 'urn:somebody:else' })],
  ['no audience', (mint) => mint({ aud: undefined })],
  ['a subject that is not a UUID', (mint) => mint({ sub: 'task-1' })],
  ['no subject', (mint) => mint({ sub: undefined })],
  ['nbf in the future', (mint) => mint({ nbf: now() + 300 })],
  ['iat in the future', (mint) => mint({ iat: now() + 300, nbf: now() })],
  ['no exp', (mint) => mint({ exp: undefined })],
  ['an exp that is not a number', (mint) => mint({ exp: 'tomorrow' })],
  ['an unknown scope', (mint) => mint({ scope: 'admin' })],
]

for (const [name, make] of invalidTokens) {
  test(`§3 ${name}: 401 invalid_token, nothing echoed`, async ({ baseUrl, mint }) => {
    const token = await make(mint)
    const answer = await call(baseUrl, 'GET', path, { token })
    expectError(answer, 401, invalid, { error: 'invalid_token' })
    assert.match(answer.headers.get('www-authenticate') ?? '', /error_description="[^"]+"/)
    expectNoEcho(answer, token)
  })
}

test('§3 an expired token: 401 "expired"', async ({ baseUrl, mint }) => {
  const token = await mint({ iat: now() - 700, nbf: now() - 700, exp: now() - 60 })
  const answer = await call(baseUrl, 'GET', path, { token })
  expectError(answer, 401, `${invalid}: expired`, {
    error: 'invalid_token',
    description: 'The access token expired',
  })
  expectNoEcho(answer, token)
})

test('§3 expired by less than the leeway (10 s): accepted', async ({ baseUrl, mint }) => {
  const token = await mint({ iat: now() - 600, nbf: now() - 600, exp: now() - 3 })
  expectStatus(await call(baseUrl, 'GET', path, { token }), 200)
})

test('§3 public routes never read the header', async ({ baseUrl }) => {
  for (const route of ['/health', '/.well-known/jwks.json', '/openapi.json']) {
    const answer = await call(baseUrl, 'GET', route, { authorization: 'Bearer a b c' })
    expectStatus(answer, 200)
    assert.equal(answer.headers.get('www-authenticate'), null)
  }
})
