// Property-based tests (fast-check): mutated tokens are never accepted unless identical to the
// valid one, random input never yields a 5xx, and the verifier only ever rejects with our 401s.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from '../../src/auth/errors'
import { localKeys } from '../../src/auth/keys/local-keys'
import { taskInstanceProfile } from '../../src/auth/profile/task-instance'
import { createVerifier } from '../../src/auth/verify/verify'
import { appWith, b64u, claims, ed25519Signer } from './helpers'

const signer = await ed25519Signer()
const options = {
  profile: taskInstanceProfile,
  algorithms: ['EdDSA' as const, 'ES256' as const],
  keys: localKeys([signer.jwk]),
}
const verify = createVerifier(options)
const app = appWith(options)
const valid = await signer.token(claims({ scope: 'execution', team: 'a' }))
const header = JSON.parse(atob(valid.split('.')[0] as string)) as Record<string, unknown>
const payload = claims({ scope: 'execution', team: 'a' }) as Record<string, unknown>
const runs = { mutations: 5000, strings: 5000, signed: 1000, requests: 2000 }

/** Resolves to 'accepted', or 'refused' when the verifier rejected with our 401; anything else fails. */
const outcome = async (token: string) => {
  try {
    await verify(token)
    return 'accepted'
  } catch (error) {
    if (!(error instanceof AuthError) || error.status !== 401) throw error
    return 'refused'
  }
}

const base64urlChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
type Mutation = (token: string) => string

const segments = (token: string) => token.split('.')
const withSegment = (token: string, i: number, f: (s: string) => string) =>
  segments(token)
    .map((s, j) => (j === i % 3 ? f(s) : s))
    .join('.')

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // One character replaced, by a base64url digit or by something that is not.
  fc.tuple(fc.nat(), fc.constantFrom(...`${base64urlChars}.=+/ \t?%`)).map(
    ([at, char]): Mutation =>
      (t) =>
        `${t.slice(0, at % t.length)}${char}${t.slice((at % t.length) + 1)}`,
  ),
  // Segments reordered or repeated.
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)).map(
    ([a, b, c]): Mutation =>
      (t) =>
        [a, b, c].map((i) => segments(t)[i]).join('.'),
  ),
  // Header edits, re-encoded canonically, signature kept.
  fc
    .tuple(
      fc.constantFrom('alg', 'kid', 'typ', 'crit', 'jwk', 'extra'),
      fc.oneof(fc.constantFrom('none', 'HS256', 'ES256', 'EdDSA', signer.jwk.kid), fc.jsonValue()),
    )
    .map(
      ([name, value]): Mutation =>
        (t) =>
          withSegment(t, 0, () => b64u(JSON.stringify({ ...header, [name]: value }))),
    ),
  // Claim edits, re-encoded canonically, signature kept.
  fc.tuple(fc.constantFrom('sub', 'aud', 'exp', 'iat', 'nbf', 'scope', 'team'), fc.jsonValue()).map(
    ([name, value]): Mutation =>
      (t) =>
        withSegment(t, 1, () => b64u(JSON.stringify({ ...payload, [name]: value }))),
  ),
  // Re-encodings of the same bytes: padding, standard alphabet, whitespace, other trailing bits.
  fc.tuple(fc.nat(2), fc.constantFrom('=', '==', ' ', '\n')).map(
    ([i, pad]): Mutation =>
      (t) =>
        withSegment(t, i, (s) => s + pad),
  ),
  fc.nat(2).map(
    (i): Mutation =>
      (t) =>
        withSegment(t, i, (s) => s.replaceAll('-', '+').replaceAll('_', '/')),
  ),
  fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 15 })).map(
    ([i, delta]): Mutation =>
      (t) =>
        withSegment(t, i, (s) => {
          const last = base64urlChars.indexOf(s.at(-1) ?? 'A')
          return s.slice(0, -1) + base64urlChars[(last + delta) % 64]
        }),
  ),
  // Truncation and extension.
  fc.nat().map(
    (n): Mutation =>
      (t) =>
        t.slice(0, n % t.length),
  ),
  fc.string({ maxLength: 8 }).map(
    (tail): Mutation =>
      (t) =>
        t + tail,
  ),
)

// Thousands of cases per property: on a loaded two-core machine one property took 5.9 s, past
// vitest's default 5 s. The counts are the point, not the time, so each property gets room.
describe('fuzzing', { timeout: 60_000 }, () => {
  it(`${runs.mutations} mutations of a valid token: accepted only if identical`, async () => {
    expect(await outcome(valid)).toBe('accepted')
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const token = mutations.reduce((t, m) => m(t), valid)
        const result = await outcome(token)
        if (result === 'accepted') accepted++
        expect(result === 'accepted').toBe(token === valid)
      }),
      { numRuns: runs.mutations },
    )
    console.log(
      `fuzz: ${runs.mutations} mutated tokens, ${accepted} accepted (all identical to the original)`,
    )
  })

  it(`${runs.strings} random strings: the verifier only rejects with our 401`, async () => {
    const tokenish = fc
      .array(fc.string({ unit: fc.constantFrom(...`${base64urlChars}=`), maxLength: 60 }), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join('.'))
    const jsonish = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.string())
      .map(
        ([h, p, s]) =>
          `${b64u(JSON.stringify(h) ?? '')}.${b64u(JSON.stringify(p) ?? '')}.${b64u(s)}`,
      )
    const input = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), tokenish, jsonish)
    await fc.assert(
      fc.asyncProperty(input, async (token) => {
        expect(await outcome(token)).toBe('refused')
      }),
      { numRuns: runs.strings },
    )
  })

  it(`${runs.signed} validly signed random headers and claims: a 401 or a sound token, nothing else`, async () => {
    const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 4,
    })
    await fc.assert(
      fc.asyncProperty(extra, extra, fc.boolean(), async (headerExtra, claimsExtra, keepClaims) => {
        const body = keepClaims ? { ...payload, ...claimsExtra } : claimsExtra
        const token = await signer.token(body, {
          ...headerExtra,
          alg: 'EdDSA',
          kid: signer.jwk.kid,
        })
        if ((await outcome(token)) === 'accepted') {
          const claimsOut = await verify(token)
          expect(claimsOut.sub).toBe(payload.sub)
          expect(Number.isFinite(claimsOut.exp)).toBe(true)
        }
      }),
      { numRuns: runs.signed },
    )
  })

  it(`${runs.requests} random Authorization headers through the app: 400 or 401, never 5xx`, async () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    })
    const value = fc
      .tuple(fc.constantFrom('Bearer ', 'bearer  ', 'BEARER\t', '', 'Basic ', 'Bearer'), printable)
      .map(([scheme, rest]) => scheme + rest)
    await fc.assert(
      fc.asyncProperty(value, async (authorization) => {
        const res = await app.request('/x', { headers: { authorization } })
        expect([400, 401]).toContain(res.status)
        expect(res.headers.get('content-type')).toContain('application/json')
      }),
      { numRuns: runs.requests },
    )
  })
})
