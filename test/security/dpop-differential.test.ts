// Differential test of DPoP proof checking: our checker (gate, embedded key, WebCrypto, claims in
// plain code) against a reference built on jose (`jwtVerify` with `EmbeddedJWK`, `typ`,
// `maxTokenAge`, then htm, htu, ath and the thumbprint by `calculateJwkThumbprint`), on random and
// mutated proofs. We never accept a proof the reference refuses, we read the same key thumbprint,
// and we refuse one it accepts only in a case named below.
import fc from 'fast-check'
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DpopError } from '../../src/auth/dpop-errors'
import { createProofChecker } from '../../src/auth/verify/dpop-proof'
import { athOf, b64u, dpopClient } from '../auth/dpop-helpers'

const now = 1_900_000_000
const maxAge = 60
const leeway = 5
const url = 'https://api.example/api/tasks'
const token = 'header.payload.signature'
const algorithms = ['ES256', 'EdDSA'] as const

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(now * 1000)
})
afterAll(() => {
  vi.useRealTimers()
})

const clients = await Promise.all([dpopClient('ES256'), dpopClient('EdDSA')])
const stranger = await dpopClient('ES256')
const ath = await athOf(token)
const ours = createProofChecker({ realm: 'api', algorithms, maxAge, leeway, maxLength: 8192 })
const request = { method: 'GET', url, accessToken: token }

type Outcome = { accepted: true; jkt: string } | { accepted: false }

const oursOn = (proof: string): Promise<Outcome> =>
  ours(proof, request).then(
    ({ jkt }) => ({ accepted: true, jkt }),
    (error) => {
      // Every refusal is a DPoP refusal, never anything else (a 500).
      expect(error).toBeInstanceOf(DpopError)
      return { accepted: false }
    },
  )

const withoutQuery = (value: string) => {
  const parsed = new URL(value)
  return `${parsed.origin}${parsed.pathname}`
}

/** RFC 9449 §4.3 with jose doing the JWS, the embedded key, `typ` and the time window. */
const reference = async (proof: string): Promise<Outcome> => {
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...algorithms],
      maxTokenAge: maxAge,
      clockTolerance: leeway,
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
    })
    const { jti, htm, htu } = payload as Record<string, unknown>
    if (typeof jti !== 'string' || !jti || htm !== 'GET' || typeof htu !== 'string') {
      return { accepted: false }
    }
    if (withoutQuery(htu) !== withoutQuery(url) || payload.ath !== ath) return { accepted: false }
    return { accepted: true, jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK) }
  } catch {
    return { accepted: false }
  }
}

// Canonical: the base64url alphabet only, and the very text its bytes encode to.
const canonical = (segment: string) => {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return false
  const bytes = Uint8Array.from(atob(segment.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
    c.charCodeAt(0),
  )
  return b64u(bytes) === segment
}

/** Why we refuse a proof the reference accepts: the named cases where we are stricter. */
const stricterCases = (proof: string, claims: Record<string, unknown>) => {
  const cases: string[] = []
  if (!proof.split('.').every(canonical)) cases.push('not canonical base64url')
  if (typeof claims.jti === 'string' && claims.jti.length > 256) cases.push('jti over 256 chars')
  return cases
}

const claimEdit = fc.oneof(
  fc.constant({}),
  fc.constantFrom('POST', 'get', 5, undefined).map((htm) => ({ htm })),
  fc
    .constantFrom(
      `${url}?page=2`,
      `${url}#top`,
      'https://API.example:443/api/tasks',
      'https://api.example/api/other',
      'http://api.example/api/tasks',
      'not a url',
      7,
      undefined,
    )
    .map((htu) => ({ htu })),
  fc
    .oneof(
      fc.integer({ min: -90, max: 30 }).map((d) => now + d),
      fc.constantFrom(
        now - maxAge - leeway,
        now - maxAge - leeway - 1,
        now + leeway,
        now + leeway + 1,
      ),
      fc.constantFrom('1900000000', null, undefined),
    )
    .map((iat) => ({ iat })),
  fc.constantFrom('wrong', 5, undefined).map((a) => ({ ath: a })),
  fc.constantFrom('', 5, undefined, 'x'.repeat(300), 'j'.repeat(256)).map((jti) => ({ jti })),
)

const headerEdit = (client: (typeof clients)[number]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('DPoP+JWT', 'application/dpop+jwt', 'JWT', 'at+jwt', undefined)
        .map((typ) => ({ typ })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<unknown>(
          stranger.jwk,
          client.privateJwk,
          { ...client.jwk, use: 'enc' },
          { ...client.jwk, key_ops: ['verify'] },
          { kty: 'oct', k: 'c2VjcmV0' },
          'a string',
          undefined,
        )
        .map((jwk) => ({ jwk })),
    },
    { weight: 1, arbitrary: fc.constantFrom('HS256', 'ES384', 'none').map((alg) => ({ alg })) },
    { weight: 1, arbitrary: fc.constant({ crit: ['htm'], htm: 'GET' }) },
  )

const mutation = fc.oneof(
  { weight: 6, arbitrary: fc.constant((p: string) => p) },
  { weight: 1, arbitrary: fc.constant((p: string) => `${p}=`) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...'AQgw_-.=+/ x')).map(
      ([at, ch]) =>
        (p: string) =>
          `${p.slice(0, at % p.length)}${ch}${p.slice((at % p.length) + 1)}`,
    ),
  },
)

describe.each(clients)('DPoP proofs in $alg: ours against jose', (client) => {
  it('never accepted when the reference refuses; the same thumbprint; stricter only by name', async () => {
    const seen = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(claimEdit, headerEdit(client), mutation, async (edit, header, mutate) => {
        const claims = { jti: crypto.randomUUID(), htm: 'GET', htu: url, iat: now, ath, ...edit }
        const head = { alg: client.alg, typ: 'dpop+jwt', jwk: client.jwk, ...header }
        const proof = mutate(await client.signRaw(head, claims))
        const [mine, theirs] = [await oursOn(proof), await reference(proof)]
        const key = `ours ${mine.accepted ? '✓' : '✗'} jose ${theirs.accepted ? '✓' : '✗'}`
        seen.set(key, (seen.get(key) ?? 0) + 1)
        if (mine.accepted) {
          expect(theirs).toEqual(mine)
          expect(mine.jkt).toBe(client.jkt)
        }
        if (!mine.accepted && theirs.accepted) {
          expect(stricterCases(proof, claims), `refused, jose accepts: ${proof}`).not.toEqual([])
        }
      }),
      { numRuns: 1500 },
    )
    console.log(
      `dpop differential ${client.alg}: ${[...seen].map(([k, n]) => `${k}: ${n}`).join(', ')}`,
    )
    expect(seen.get('ours ✓ jose ✓')).toBeGreaterThan(30)
    expect(seen.get('ours ✗ jose ✗')).toBeGreaterThan(100)
    expect(seen.get('ours ✓ jose ✗')).toBeUndefined()
  }, 60_000)
})
