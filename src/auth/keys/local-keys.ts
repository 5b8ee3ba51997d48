import type { JWK, JWSHeaderParameters } from 'jose'
import { InvalidTokenError, KeysUnavailableError } from '../errors'
import {
  cryptoKeyProblem,
  isAsymmetric,
  jwkFits,
  jwkProblem,
  privateMembers,
  sameKey,
} from './key-checks'
import { checkedKeyPair } from './key-pair'
import { type CryptoKeyEntry, type KeySource, type OpenKeySource, once } from './keys'
import { secretMaterialProblem } from './secret-material'
import { importPublicJwk } from './web-crypto'

/**
 * Parses a JWK given as JSON text, naming the option when it is not one, and refuses keys that
 * must not sign or verify (symmetric, wrong purpose, weak RSA, `alg` not fitting the key).
 */
export const parseJwk = (value: JWK | string, option: string): JWK => {
  let jwk: unknown = value
  if (typeof value === 'string') {
    try {
      jwk = JSON.parse(value)
    } catch {}
    if (passed.has(value)) return jwk as JWK
  }
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
    throw new TypeError(`"${option}" must be a JWK object or its JSON text`)
  }
  const problem = jwkProblem(jwk as JWK, true)
  if (problem) throw new TypeError(`"${option}" ${problem}`)
  if (typeof value === 'string') {
    if (passed.size >= 8) passed.clear()
    passed.add(value)
  }
  return jwk as JWK
}

// JWK texts already checked: a Worker hands one key's text to the issuer, its key set and the
// middleware, and each parses it; the checks run once. Text, not objects, which can change.
const passed = new Set<string>()

/** The public half of a private JWK: every private member removed. */
export const toPublicJwk = (jwk: JWK): JWK => {
  const pub: Record<string, unknown> = { ...jwk }
  for (const member of privateMembers) delete pub[member]
  delete pub.key_ops
  return pub as JWK
}

interface LocalKey {
  alg: string
  kid: string | undefined
  /** What the key was given as: a public JWK, or the `CryptoKey` itself. */
  source: JWK | CryptoKey
  key: () => CryptoKey | Promise<CryptoKey>
  /** The service's own key (a private JWK): when it fails, the service has no key, not the token. */
  own?: boolean
}

// A JWK without `alg` (what PyJWT and Airflow publish) takes the one allowed algorithm its key
// type and curve fit; none or several is a configuration error, never a guess per token.
const derivedAlg = (jwk: JWK, algorithms: readonly string[], option: string) => {
  const fits = algorithms.filter((alg) => isAsymmetric(alg) && jwkFits(jwk, alg))
  if (fits.length === 1) return fits[0] as string
  throw new TypeError(
    fits.length
      ? `"${option}" has a key without "alg" that fits several allowed algorithms (${fits.join(', ')}): give it an "alg"`
      : `"${option}" has a key without "alg" that fits no allowed algorithm`,
  )
}

// A CryptoKey's point or modulus can only be read asynchronously, so the checks a JWK passes at
// creation (small-order and off-curve points, ROCA) run on first use for an extractable key; one
// that fails never verifies anything. A non-extractable key cannot be read, so is not checked.
const checkedCryptoKey = async (key: CryptoKey, option: string) => {
  if (!key.extractable) return key
  const { key_ops: _, ext: __, ...jwk } = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey
  const problem = jwkProblem(jwk as JWK)
  if (problem) throw new TypeError(`"${option}" has a key that ${problem}`)
  return key
}

const cryptoKeyEntry = (entry: CryptoKeyEntry, option: string): LocalKey => {
  const { key, alg, kid } = entry
  const problem = cryptoKeyProblem(key, alg)
  if (problem) throw new TypeError(`"${option}" has a key that ${problem}`)
  return { alg, kid, source: key, key: once(() => checkedCryptoKey(key, option)) }
}

const jwkEntry = (value: JWK | string, option: string, algorithms: readonly string[]) => {
  // Text and private keys are parsed and checked as a whole key (private members allowed).
  const parsed = typeof value === 'string' || 'd' in value
  const jwk = parsed ? parseJwk(value, option) : value
  const problem = parsed ? undefined : jwkProblem(jwk)
  if (problem) throw new TypeError(`"${option}" has a key that ${problem}`)
  const pub = jwk.d === undefined ? jwk : toPublicJwk(jwk)
  const alg = typeof jwk.alg === 'string' ? jwk.alg : derivedAlg(pub, algorithms, option)
  const local: LocalKey = {
    alg,
    kid: jwk.kid,
    source: pub,
    // A private JWK verifies with its public half, once the private part is proven its own.
    key:
      jwk.d === undefined
        ? once(() => importPublicJwk(jwk as JsonWebKey, alg))
        : once(async () => (await checkedKeyPair(jwk, alg, option)).publicKey),
    own: jwk.d !== undefined,
  }
  return { local, jwk: pub }
}

const sameSource = (a: JWK | CryptoKey, b: JWK | CryptoKey) =>
  a === b || (!(a instanceof CryptoKey) && !(b instanceof CryptoKey) && sameKey(a, b))

// A token's `kid` must choose one key. The same key listed again under its `kid` (the live set
// copied back beside the signing key during a rotation) is that key once; another key under a
// `kid` already taken would make every token of that `kid` match two keys and verify with none,
// so it is refused here, as `publishedKeys` refuses it. A `CryptoKey` cannot be compared with a
// JWK without exporting it, so under a taken `kid` only the very same `CryptoKey` counts as one.
const addLocal = (locals: LocalKey[], next: LocalKey, option: string) => {
  const twins = locals.filter((key) => key.kid === next.kid)
  if (twins.some((key) => !sameSource(key.source, next.source))) {
    if (next.kid !== undefined) {
      throw new TypeError(`"${option}" has another key under the kid ${JSON.stringify(next.kid)}`)
    }
  } else if (twins.some((key) => key.alg === next.alg)) {
    return
  }
  locals.push(next)
}

/** What `localKeys` takes: public JWKs, a private JWK (object or JSON text), or `CryptoKey` entries. */
export type LocalKeyEntry = JWK | string | CryptoKeyEntry

/**
 * Keys held by the service itself, for `keys`: public JWKs (with `kid`), a private JWK (object or
 * JSON text: its public half verifies once the private part is proven to be its own; when that
 * fails the service answers 503, not 401), or `CryptoKey` entries. A JWK without `alg` takes the one
 * algorithm of `algorithms` its key fits. Asymmetric only; RSA 2048 to 16384 bits with exponent
 * 65537; `use`/`key_ops` must allow verification. Every key is checked when the verifier is
 * created; each is imported on first use. `option` names the keys in errors.
 *
 * @example
 * const auth = jwtAuth({ keys: localKeys([env.JWT_PRIVATE_JWK]), algorithms: ['EdDSA'], audience: 'api' })
 */
export const localKeys = (entries: readonly LocalKeyEntry[], option = 'localKeys'): KeySource => {
  if (!Array.isArray(entries)) throw new TypeError(`"${option}" must be a list of keys`)
  return {
    open({ algorithms, realm, secrets }) {
      const locals: LocalKey[] = []
      const jwks: [string, JWK][] = []
      for (const entry of entries) {
        if (entry && typeof entry === 'object' && 'key' in entry && typeof entry.key === 'object') {
          addLocal(locals, cryptoKeyEntry(entry as CryptoKeyEntry, option), option)
          continue
        }
        const { local, jwk } = jwkEntry(entry as JWK | string, option, algorithms)
        addLocal(locals, local, option)
        jwks.push([option, jwk])
      }
      for (const { option: name, bytes } of secrets) {
        const material = secretMaterialProblem(bytes, jwks, name)
        if (material) throw new TypeError(material)
      }
      // The key each (alg, kid) chooses, and each alg alone (a token without `kid`), decided once:
      // `null` where several keys match, which is no choice.
      const byAlg = new Map<string, LocalKey | null>()
      const byKid = new Map<string, Map<string, LocalKey | null>>()
      for (const local of locals) {
        byAlg.set(local.alg, byAlg.has(local.alg) ? null : local)
        if (local.kid === undefined) continue
        const kids = byKid.get(local.alg) ?? new Map<string, LocalKey | null>()
        byKid.set(local.alg, kids.set(local.kid, kids.has(local.kid) ? null : local))
      }
      const lookup = (header: JWSHeaderParameters) => {
        const { alg, kid } = header
        const local =
          kid === undefined ? byAlg.get(alg as string) : byKid.get(alg as string)?.get(kid)
        if (!local) return undefined
        const key = local.key()
        if (key instanceof CryptoKey) return key
        return key.catch((error: unknown) => {
          if (local.own) throw new KeysUnavailableError(realm, 30, error)
          throw new InvalidTokenError(realm, 'The key for this token cannot verify it', error)
        })
      }
      const source: OpenKeySource & { locals: LocalKey[] } = {
        lookup,
        locals,
        refuseTwins(other) {
          const all = [...locals]
          for (const next of (other as { locals?: LocalKey[] }).locals ?? []) {
            addLocal(all, next, option)
          }
        },
      }
      return source
    },
  }
}
