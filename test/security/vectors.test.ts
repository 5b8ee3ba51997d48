// The public vectors (test/vectors/) through the signature layer: Wycheproof's JWS cases, the
// RFC 7520 cookbook and RFC 8037 Ed25519. Each group's key configures a verifier the way a user
// would (asymmetric keys in `localKeys`, `oct` keys as `secret`).
import { compactVerify, type JWK } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { AuthError } from '../../src/auth/errors'
import { privateMembers } from '../../src/auth/keys/key-checks'
import { type Algorithm, supportedAlgorithms } from '../../src/auth/keys/keys'
import { localKeys } from '../../src/auth/keys/local-keys'
import { decodeBase64url } from '../../src/auth/token/gate'
import { createJwsVerifier } from '../../src/auth/verify/verify'
import type { WycheproofGroup } from './vectors.d.mts'

const vectors = inject('sharedVectors')

type Outcome = 'verified' | 'refused'

/** Cases whose label we deliberately disagree with, and why (from test/vectors/README.md). */
const exceptions: Record<number, { outcome: Outcome; reason: string }> = {
  367: { outcome: 'verified', reason: 'byte-identical to valid tcId 357 (C2SP/wycheproof#236)' },
  370: { outcome: 'verified', reason: 'byte-identical to valid tcId 357 (C2SP/wycheproof#236)' },
  372: { outcome: 'refused', reason: 'labelled valid but contains "?": not base64url' },
  373: { outcome: 'refused', reason: 'labelled valid but contains "?": not base64url' },
  346: { outcome: 'refused', reason: 'RFC 7520 group key is PS256, the token is PS384' },
  350: { outcome: 'refused', reason: 'RFC 7520 group key is PS256, the token is PS384' },
  347: { outcome: 'refused', reason: 'RFC 7520 group key names the non-existent alg "ES521"' },
  351: { outcome: 'refused', reason: 'RFC 7520 group key names the non-existent alg "ES521"' },
  349: { outcome: 'refused', reason: 'key_ops is the single string "sign, verify", no "verify"' },
}

/** The four non-canonical base64url cases jose accepts on its own: our gate must refuse them. */
const joseLenient = [360, 365, 368, 375]

const strip = (jwk: JWK): JWK =>
  Object.fromEntries(
    Object.entries(jwk).filter(([name]) => !(privateMembers as readonly string[]).includes(name)),
  ) as JWK

const supported = (alg: unknown): alg is Algorithm =>
  (supportedAlgorithms as readonly unknown[]).includes(alg)

// A verifier configured from a group's key, or the error its configuration was refused with.
const verifierFor = (group: WycheproofGroup) => {
  const keys = 'keys' in group.private ? group.private.keys : [group.private]
  const named = keys.map((k) => k.alg)
  const algorithms = (
    named.every((alg) => alg !== undefined)
      ? named
      : supportedAlgorithms.filter((alg) => !alg.startsWith('HS'))
  ) as Algorithm[]
  try {
    const oct = keys.find((k) => k.kty === 'oct')
    if (oct) return createJwsVerifier({ secret: decodeBase64url(oct.k as string), algorithms })
    return createJwsVerifier({ keys: localKeys(keys.map(strip)), algorithms })
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    return undefined
  }
}

const outcomeOf = async (verify: ReturnType<typeof verifierFor>, token: string) => {
  if (!verify) return 'refused'
  try {
    await verify(token)
    return 'verified'
  } catch (error) {
    // Nothing but our own 401: no TypeError, no jose error leaks out of the signature layer.
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).status).toBe(401)
    return 'refused'
  }
}

describe.skipIf('missing' in vectors)('Wycheproof json_web_signature_test.json', () => {
  if ('missing' in vectors) return
  const { wycheproof } = vectors

  it('every case: valid verifies, invalid is refused, exceptions as written', async () => {
    const tally = { valid: 0, invalid: 0, exception: 0, refusedAtSetup: 0 }
    const wrong: string[] = []
    for (const group of wycheproof.testGroups) {
      const verify = verifierFor(group)
      if (!verify) tally.refusedAtSetup += group.tests.length
      for (const test of group.tests) {
        const token = typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws)
        const outcome = await outcomeOf(verify, token)
        const exception = exceptions[test.tcId]
        const expected = exception?.outcome ?? (test.result === 'valid' ? 'verified' : 'refused')
        if (outcome !== expected) {
          wrong.push(`tcId ${test.tcId} (${group.comment}, ${test.comment}): ${outcome}`)
        } else if (exception) tally.exception++
        else tally[test.result === 'valid' ? 'valid' : 'invalid']++
      }
    }
    console.log(
      `wycheproof: ${tally.valid} valid verified, ${tally.invalid} invalid refused, ` +
        `${tally.exception} documented exceptions (${tally.refusedAtSetup} cases refused when the ` +
        `verifier was created), of ${wycheproof.numberOfTests}`,
    )
    expect(wrong).toEqual([])
    expect(tally.valid + tally.invalid + tally.exception).toBe(wycheproof.numberOfTests)
  })

  it('the four base64 cases jose accepts are refused by the gate', async () => {
    const group = wycheproof.testGroups.find((g) => g.comment === 'base64') as WycheproofGroup
    const key = decodeBase64url((group.private as JWK).k as string) as Uint8Array
    const verify = verifierFor(group)
    for (const tcId of joseLenient) {
      const test = group.tests.find((t) => t.tcId === tcId)
      expect(test?.result).toBe('invalid')
      const token = test?.jws as string
      // jose alone decodes leniently and accepts the MAC: the gate is what refuses.
      await expect(compactVerify(token, key)).resolves.toBeTruthy()
      const error = await verify?.(token).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AuthError)
      expect((error as AuthError).challenge?.description).toMatch(/base64url/)
    }
  })
})

describe.skipIf('missing' in vectors)('RFC 7520 cookbook and RFC 8037 examples', () => {
  if ('missing' in vectors) return
  it.each(Object.entries(vectors.cookbook))('%s verifies with its key', async (_, example) => {
    const { key, alg, payload } = example.input
    expect(supported(alg)).toBe(true)
    const verify =
      key.kty === 'oct'
        ? createJwsVerifier({
            secret: decodeBase64url(key.k as string),
            algorithms: [alg as Algorithm],
          })
        : createJwsVerifier({
            keys: localKeys([{ ...strip(key), alg }]),
            algorithms: [alg as Algorithm],
          })
    const verified = await verify(example.output.compact)
    expect(new TextDecoder().decode(verified.payload)).toBe(payload)
  })
})

it('the public vectors are present (test/vectors/, in the repository)', () => {
  expect('missing' in vectors ? `missing: ${vectors.missing}` : 'present').toBe('present')
})
