import { ExpiredTokenError, InvalidTokenError } from '../errors'
import { isHmac } from '../keys/key-checks'
import type { AnyProfile } from '../profile/profile'
import type { VerifyOptions } from './verify'

/** When a replaced shared secret stops verifying, in milliseconds since the epoch. */
export const previousSecretEnd = (options: VerifyOptions<AnyProfile>): number | undefined => {
  if (options.previousSecret === undefined) return undefined
  const until = options.previousSecretUntil
  const ms =
    until instanceof Date ? until.getTime() : typeof until === 'number' ? until * 1000 : NaN
  if (!Number.isFinite(ms)) {
    throw new TypeError(
      '"previousSecretUntil" (a Date or NumericDate) is required with "previousSecret"',
    )
  }
  return ms
}

/** The options of a verifier that knows the previous secret alone, under the HS algorithms allowed. */
export const previousSecretOptions = <P extends AnyProfile>(
  options: VerifyOptions<P>,
): VerifyOptions<P> => {
  const algorithms = options.algorithms.filter(isHmac)
  if (!algorithms.length)
    throw new TypeError('"previousSecret" needs an HS algorithm in "algorithms"')
  // The key sources are dropped below: the current verifier's holds the previous secret against
  // their material (`createKeyResolver`).
  return {
    ...options,
    algorithms,
    secret: options.previousSecret,
    keys: undefined,
    getKey: undefined,
    cache: undefined,
    previousSecret: undefined,
    previousSecretUntil: undefined,
  }
}

/**
 * Verifies with the current keys, and when that refuses a token (not for expiry) before `end`,
 * tries the previous secret: tokens signed before a secret rotation keep verifying until they
 * expire or the window ends, whichever is first. After `end` the previous secret verifies nothing.
 * The current keys' answer wins whenever both refuse, unless the previous secret says "expired".
 */
export const withPreviousSecret = <T>(
  verify: (token: string) => Promise<T>,
  previous: (token: string) => Promise<T>,
  end: number,
): ((token: string) => Promise<T>) =>
  async function verifyWithPreviousSecret(token) {
    try {
      return await verify(token)
    } catch (error) {
      if (!(error instanceof InvalidTokenError) || Date.now() >= end) throw error
      try {
        return await previous(token)
      } catch (second) {
        throw second instanceof ExpiredTokenError ? second : error
      }
    }
  }
