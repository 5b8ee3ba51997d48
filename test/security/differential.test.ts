// Differential tests: our verifier (gate, WebCrypto, claims in plain code) against `jose.jwtVerify`
// as the oracle, on random and mutated tokens. They must agree, except where our gate or the task
// instance profile is stricter, and each such case is named below. We never accept a token jose
// refuses, and what we accept we read exactly as jose does.
import fc from 'fast-check'
import { importJWK, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { AuthError } from '../../src/auth/errors'
import { localKeys } from '../../src/auth/keys/local-keys'
import { accessTokenProfile } from '../../src/auth/profile/access-token'
import type { AnyProfile } from '../../src/auth/profile/profile'
import { taskInstanceProfile } from '../../src/auth/profile/task-instance'
import { createVerifier } from '../../src/auth/verify/verify'
import { b64u, ed25519Signer } from './helpers'

const now = 1_900_000_000
const leeway = 10
const audience = ['urn:airflow.apache.org:task', 'urn:other']
const issuer = 'https://issuer.example'
const maxTokenLength = 2048
const uuid = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
const encoder = new TextEncoder()

// Dates are checked against one fixed second, by both verifiers.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(now * 1000)
})
afterAll(() => {
  vi.useRealTimers()
})

const ed = await ed25519Signer('ed-key')
const secret = encoder.encode('differential-secret-of-at-least-32-bytes')
const hmacKey = await crypto.subtle.importKey(
  'raw',
  secret,
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
)
const setups = [
  {
    alg: 'EdDSA' as const,
    sign: ed.signInput,
    key: (await importJWK(ed.jwk, 'EdDSA')) as CryptoKey,
    options: { keys: localKeys([ed.jwk]) },
  },
  {
    alg: 'HS256' as const,
    sign: async (input: string) =>
      b64u(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(input)))),
    key: secret,
    options: { secret },
  },
]

/** Why our verifier refuses a token jose accepts: the named cases where we are stricter. */
type Stricter =
  | 'too long'
  | 'not canonical base64url'
  | 'duplicate member name'
  | 'kid not a string'
  | 'kid of no configured key'
  | 'crit or b64 header'
  | 'date not a finite number'
  | 'aud entry not a string'
  | 'sub not a UUID'
  | 'scope not a token type'
  | 'sub empty or not a string'
  | 'scope not a string'
  | 'scp not a string or strings'
  | 'jti not a string'
  | 'issued in the future'

const lenientBytes = (segment: string) => {
  const standard = segment.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, '')
  return Uint8Array.from(atob(standard), (c) => c.charCodeAt(0))
}

// Canonical: the base64url alphabet only, and the very text its bytes encode to (no padding,
// no other trailing bits), written independently of the gate's decoder.
const canonical = (segment: string) => {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return false
  return b64u(lenientBytes(segment)) === segment
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const jsonOf = (segment: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(strictUtf8.decode(lenientBytes(segment)))
  } catch {
    return undefined
  }
}

/** The stricter cases a token falls in, from its text alone (and what the generator injected). */
const stricterCases = (
  token: string,
  injected: readonly Stricter[],
  alg = 'EdDSA',
  profile: 'task instance' | 'access token' = 'task instance',
): Stricter[] => {
  const cases = new Set<Stricter>(injected)
  if (token.length > maxTokenLength) cases.add('too long')
  const segments = token.split('.')
  if (segments.length !== 3) return [...cases]
  if (!segments.every(canonical)) cases.add('not canonical base64url')
  const header = jsonOf(segments[0] as string)
  const claims = jsonOf(segments[1] as string)
  if (header && header.kid !== undefined && typeof header.kid !== 'string') {
    cases.add('kid not a string')
  }
  // jose given one key does not look at `kid`; our key lookup chooses by it (HMAC keys have none).
  if (alg !== 'HS256' && typeof header?.kid === 'string' && header.kid !== 'ed-key') {
    cases.add('kid of no configured key')
  }
  if (header && (header.crit !== undefined || header.b64 !== undefined)) {
    cases.add('crit or b64 header')
  }
  if (claims) {
    for (const name of ['exp', 'iat', 'nbf']) {
      const value = claims[name]
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) {
        cases.add('date not a finite number')
      }
    }
    if (Array.isArray(claims.aud) && claims.aud.some((a) => typeof a !== 'string')) {
      cases.add('aud entry not a string')
    }
    const { sub, scope, scp, jti, iat } = claims
    if (profile === 'task instance') {
      if (typeof sub !== 'string' || !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(sub)) {
        cases.add('sub not a UUID')
      }
      if (scope !== undefined && scope !== 'execution' && scope !== 'workload') {
        cases.add('scope not a token type')
      }
    } else {
      if (typeof sub !== 'string' || sub === '') cases.add('sub empty or not a string')
      if (scope !== undefined && typeof scope !== 'string') cases.add('scope not a string')
      const strings = Array.isArray(scp) && scp.every((s) => typeof s === 'string')
      if (scp !== undefined && typeof scp !== 'string' && !strings) {
        cases.add('scp not a string or strings')
      }
    }
    if (jti !== undefined && typeof jti !== 'string') cases.add('jti not a string')
    if (typeof iat === 'number' && iat > now + leeway) cases.add('issued in the future')
  }
  return [...cases]
}

type Outcome =
  | { accepted: true; claims: Record<string, unknown> }
  | { accepted: false; code: string }

// The two profiles: the task instance one (the default), and RFC 9068 access tokens.
const profiles = [
  {
    name: 'task instance' as const,
    profile: taskInstanceProfile,
    defaults: { scope: 'execution' },
  },
  { name: 'access token' as const, profile: accessTokenProfile(), defaults: {} },
]
type Profile = (typeof profiles)[number]

const oursFor = (setup: (typeof setups)[number], { profile }: Profile = profiles[0] as Profile) => {
  const verify = createVerifier<AnyProfile>({
    ...setup.options,
    profile,
    algorithms: [setup.alg],
    audience,
    issuer,
    leeway,
    maxTokenLength,
  })
  return async (token: string): Promise<Outcome> => {
    try {
      return { accepted: true, claims: await verify(token) }
    } catch (error) {
      // Only ever our own 401: no TypeError, no jose error, no 500.
      if (!(error instanceof AuthError) || error.status !== 401) throw error
      return { accepted: false, code: error.code }
    }
  }
}

const joseFor =
  (setup: (typeof setups)[number], { profile }: Profile = profiles[0] as Profile) =>
  async (token: string): Promise<Outcome> => {
    try {
      const { payload } = await jwtVerify(token, setup.key, {
        algorithms: [setup.alg],
        audience,
        issuer,
        clockTolerance: leeway,
        requiredClaims: [...profile.requiredClaims],
      })
      return { accepted: true, claims: payload as Record<string, unknown> }
    } catch (error) {
      return { accepted: false, code: (error as { code?: string }).code ?? 'unknown' }
    }
  }

// Honest claims and header with zero to two fields changed: every edge that matters (dates at and
// beside the leeway, audiences and issuers right and wrong, subjects and scopes of every shape),
// while enough tokens stay valid to compare what both read.
const honest = {
  sub: uuid,
  aud: audience[0],
  iss: issuer,
  exp: now + 600,
  iat: now,
  nbf: now,
  scope: 'execution',
}
const date = fc.oneof(
  fc.integer({ min: -40, max: 40 }).map((d) => now + d),
  fc.constantFrom(now - leeway, now - leeway - 1, now + leeway, now + leeway + 1, now + 0.5),
  fc.constantFrom('soon', null, true, [now], undefined),
)
const claimEdit = fc.oneof(
  fc
    .constantFrom(uuid.toUpperCase(), 'alice', '', 7, `urn:uuid:${uuid}`, undefined)
    .map((sub) => ({ sub })),
  fc
    .constantFrom(
      'urn:other',
      'urn:nobody',
      ['urn:nobody', 'urn:other'],
      [],
      [1, 'urn:other'],
      5,
      undefined,
    )
    .map((aud) => ({ aud })),
  fc.constantFrom('https://evil.example', 5, undefined).map((iss) => ({ iss })),
  date.map((exp) => ({ exp })),
  date.map((iat) => ({ iat })),
  date.map((nbf) => ({ nbf })),
  fc.constantFrom('workload', 'admin', 3, undefined).map((scope) => ({ scope })),
  fc.constantFrom('j-1', 42).map((jti) => ({ jti })),
  fc.constantFrom('read write', ['read'], [1], 'read', undefined).map((scp) => ({ scp })),
  fc.jsonValue({ maxDepth: 2 }).map((team) => ({ team })),
)
const claimsArb = fc
  .array(claimEdit, { maxLength: 2 })
  .map((edits) => Object.assign({ ...honest }, ...edits))

const headerEdit = (alg: string) =>
  fc.oneof(
    fc.constantFrom('HS512', 'none', alg === 'HS256' ? 'EdDSA' : 'HS256').map((a) => ({ alg: a })),
    fc.constantFrom('other-key', 7).map((kid) => ({ kid })),
    fc.constant({ typ: 'JWT' }),
    fc.constant({ crit: ['exp'] }),
    fc.constantFrom(true, false).map((b64) => ({ b64 })),
  )
const headerArb = (alg: string) =>
  fc
    .array(headerEdit(alg), { maxLength: 1 })
    .map((edits) => Object.assign({ alg, kid: 'ed-key' }, ...edits))

// Changes made to the text before signing (so the signature holds over them) or after.
type Edit = { name: string; injects?: Stricter; apply: (parts: string[]) => string[] }
const beforeSigning: fc.Arbitrary<Edit> = fc.constantFrom<Edit>(
  { name: 'none', apply: (p) => p },
  { name: 'none', apply: (p) => p },
  { name: 'none', apply: (p) => p },
  {
    name: 'duplicate sub',
    injects: 'duplicate member name',
    apply: ([h, p]) => [h as string, b64u(`${lenientText(p as string).slice(0, -1)},"sub":"x"}`)],
  },
  {
    name: 'exp 1e400',
    apply: ([h, p]) => [h as string, b64u(`${lenientText(p as string).slice(0, -1)},"exp":1e400}`)],
  },
  {
    name: 'invalid UTF-8 in a claim',
    apply: ([h, p]) => {
      const text = lenientText(p as string)
      const bytes = [
        ...encoder.encode(`${text.slice(0, -1)},"x":"`),
        0xc3,
        0x28,
        ...encoder.encode('"}'),
      ]
      return [h as string, b64u(new Uint8Array(bytes))]
    },
  },
  { name: 'padded header', apply: ([h, p]) => [`${h}=`, p as string] },
  {
    name: 'standard alphabet payload',
    apply: ([h, p]) => [h as string, (p as string).replaceAll('-', '+').replaceAll('_', '/')],
  },
  {
    name: 'long',
    apply: ([h, p]) => [
      h as string,
      b64u(`${lenientText(p as string).slice(0, -1)},"pad":"${'x'.repeat(1600)}"}`),
    ],
  },
)
const lenientText = (segment: string) => new TextDecoder().decode(lenientBytes(segment))

const afterSigning = fc.oneof(
  { weight: 6, arbitrary: fc.constant((t: string) => t) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 15 }).map((delta) => (t: string) => {
      // Other trailing bits on the signature: the same bytes to a lenient decoder.
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const last = chars.indexOf(t.at(-1) as string)
      return t.slice(0, -1) + chars[(last + delta) % 64]
    }),
  },
  { weight: 1, arbitrary: fc.constant((t: string) => `${t}=`) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...'AQgw_-.=+/ x')).map(
      ([at, ch]) =>
        (t: string) =>
          `${t.slice(0, at % t.length)}${ch}${t.slice((at % t.length) + 1)}`,
    ),
  },
)

const combinations = setups.flatMap((setup) =>
  profiles.map((profile) => ({ setup, profile, label: `${setup.alg}, ${profile.name}` })),
)

describe.each(combinations)(
  'differential against jose.jwtVerify ($label)',
  ({ setup, profile }) => {
    const ours = oursFor(setup, profile)
    const jose = joseFor(setup, profile)
    const seen = new Map<string, number>()

    it('random and mutated tokens: never accepted when jose refuses; refused only for a named stricter case', async () => {
      await fc.assert(
        fc.asyncProperty(
          headerArb(setup.alg),
          claimsArb,
          beforeSigning,
          afterSigning,
          async (header, claims, edit, mutate) => {
            const [h, p] = edit.apply([b64u(JSON.stringify(header)), b64u(JSON.stringify(claims))])
            const token = mutate(`${h}.${p}.${await setup.sign(`${h}.${p}`)}`)
            const [mine, theirs] = [await ours(token), await jose(token)]
            const injected = edit.injects ? [edit.injects] : []
            const stricter = stricterCases(token, injected, setup.alg, profile.name)
            const key = `${mine.accepted ? 'ours ✓' : 'ours ✗'} ${theirs.accepted ? 'jose ✓' : 'jose ✗'}`
            seen.set(key, (seen.get(key) ?? 0) + 1)

            // The security property: nothing jose refuses gets through.
            if (mine.accepted) expect(theirs.accepted).toBe(true)
            if (mine.accepted && theirs.accepted) {
              // Read exactly as jose reads it; the profile only adds the default token type.
              expect(mine.claims).toEqual({ ...profile.defaults, ...theirs.claims })
            }
            if (!mine.accepted && theirs.accepted) {
              expect(stricter, `refused, jose accepts: ${token}`).not.toEqual([])
            }
            // Expired is told apart as jose tells it, when nothing stricter came first.
            if (!theirs.accepted && theirs.code === 'ERR_JWT_EXPIRED' && stricter.length === 0) {
              expect(mine).toEqual({ accepted: false, code: 'ERR_TOKEN_EXPIRED' })
            }
          },
        ),
        { numRuns: 1500 },
      )
      console.log(
        `differential ${setup.alg}, ${profile.name}: ${[...seen].map(([k, n]) => `${k}: ${n}`).join(', ')}`,
      )
      // The runs exercised both sides: agreement on acceptance and on refusal, and stricter refusals.
      expect(seen.get('ours ✓ jose ✓')).toBeGreaterThan(50)
      expect(seen.get('ours ✗ jose ✗')).toBeGreaterThan(50)
      expect(seen.get('ours ✗ jose ✓')).toBeGreaterThan(10)
      expect(seen.get('ours ✓ jose ✗')).toBeUndefined()
    })
  },
)

describe('each named stricter case is real: jose accepts, we refuse', () => {
  const setup = setups[0] as (typeof setups)[number]
  const ours = oursFor(setup)
  const jose = joseFor(setup)
  const signed = async (h: string, p: string) => `${h}.${p}.${await setup.sign(`${h}.${p}`)}`
  const header = b64u(JSON.stringify({ alg: 'EdDSA', kid: 'ed-key' }))
  const payload = (extra: Record<string, unknown> = {}) =>
    b64u(JSON.stringify({ ...honest, ...extra }))
  const text = (extra = '') => b64u(`${JSON.stringify(honest).slice(0, -1)}${extra}}`)
  const cases: [Stricter, () => Promise<string>][] = [
    ['too long', () => signed(header, payload({ pad: 'x'.repeat(maxTokenLength) }))],
    [
      'not canonical base64url',
      async () => {
        // Other trailing bits on the signature's last digit: the same bytes to a lenient decoder.
        const token = await signed(header, payload())
        const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        return token.slice(0, -1) + digits[digits.indexOf(token.at(-1) as string) ^ 1]
      },
    ],
    ['duplicate member name', () => signed(header, text(',"sub":"alice"'))],
    ['kid not a string', () => signed(b64u('{"alg":"EdDSA","kid":7}'), payload())],
    ['kid of no configured key', () => signed(b64u('{"alg":"EdDSA","kid":"other"}'), payload())],
    [
      'crit or b64 header',
      () => signed(b64u('{"alg":"EdDSA","b64":true,"crit":["b64"]}'), payload()),
    ],
    ['date not a finite number', () => signed(header, text(',"exp":1e400'))],
    ['aud entry not a string', () => signed(header, payload({ aud: [1, audience[0]] }))],
    ['sub not a UUID', () => signed(header, payload({ sub: 'alice' }))],
    ['scope not a token type', () => signed(header, payload({ scope: 'admin' }))],
    ['jti not a string', () => signed(header, payload({ jti: 42 }))],
    ['issued in the future', () => signed(header, payload({ iat: now + leeway + 60 }))],
  ]
  it.each(cases)('%s', async (name, make) => {
    const token = await make()
    expect((await jose(token)).accepted).toBe(true)
    expect((await ours(token)).accepted).toBe(false)
    expect(stricterCases(token, name === 'duplicate member name' ? [name] : [])).toContain(name)
  })

  it('the honest token: both accept and read the same claims', async () => {
    const token = await signed(header, payload())
    expect(await ours(token)).toEqual(await jose(token))
  })
})
