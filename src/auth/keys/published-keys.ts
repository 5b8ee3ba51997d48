import type { JWK } from 'jose'
import { jwkProblem, sameKey } from './key-checks'
import { parseJwk, toPublicJwk } from './local-keys'

/** The signing key and the keys published beside it (the next one, the previous ones). */
export interface PublishedKeysOptions {
  /** The private JWK that signs now (object or JSON text). Default: none. */
  privateJwk?: JWK | string
  /** Public JWKs published and trusted beside it, each with `kid` and `alg`. Default: none. */
  publicKeys?: readonly JWK[]
}

/**
 * The public key set a service publishes and trusts during a key rotation: the signing key's
 * public half first, then `publicKeys` (the next key before it signs, the previous one until the
 * last token it signed has expired). A key listed twice under one `kid` (the live set copied back
 * during a switch) appears once; two different keys under one `kid`, a key without `kid` or `alg`,
 * or a private member in `publicKeys` throw, naming the option.
 *
 * @example
 * const keys = publishedKeys({ privateJwk: env.JWT_PRIVATE_JWK, publicKeys: next.keys })
 */
export const publishedKeys = (options: PublishedKeysOptions): JWK[] => {
  const keys: JWK[] = []
  const add = (jwk: JWK, option: string) => {
    if (typeof jwk.kid !== 'string' || !jwk.kid)
      throw new TypeError(`"${option}" keys need a "kid"`)
    if (typeof jwk.alg !== 'string') throw new TypeError(`"${option}" keys need an "alg"`)
    const twin = keys.find((key) => key.kid === jwk.kid)
    if (twin && !sameKey(twin, jwk)) {
      throw new TypeError(`"${option}" has another key under the kid ${JSON.stringify(jwk.kid)}`)
    }
    if (!twin) keys.push(jwk)
  }
  if (options.privateJwk) {
    const jwk = parseJwk(options.privateJwk, 'privateJwk')
    add({ ...toPublicJwk(jwk), use: 'sig' }, 'privateJwk')
  }
  for (const jwk of options.publicKeys ?? []) {
    const problem = jwkProblem(jwk)
    if (problem) throw new TypeError(`"publicKeys" has a key that ${problem}`)
    add({ ...jwk }, 'publicKeys')
  }
  return keys
}
