import { InvalidTokenError } from '../errors'

/** What the gate checks a token against. */
export interface GateOptions {
  /** `realm` of the challenge when the token is refused. */
  realm: string
  /** Longest token accepted, in characters. */
  maxLength: number
  /** The `alg` values accepted in the header. */
  algorithms: ReadonlySet<string>
  /** `'claims'`: the payload must be a JWT claims set; `'bytes'`: any bytes (plain JWS). */
  payload: 'claims' | 'bytes'
  /** Accepted `typ` values, as `mediaType` gives them; absent: `typ` is not looked at. */
  types?: ReadonlySet<string>
  /** Whether a token without `typ` is refused (only with `types`). */
  requireType?: boolean
}

/**
 * A `typ` value compared as RFC 7515 §4.1.9 says: media types are case-insensitive, and
 * `application/` may be left out when no other `/` follows (`JWT` is `application/jwt`).
 */
export const mediaType = (typ: string) => {
  const lower = typ.toLowerCase()
  const rest = lower.startsWith('application/') ? lower.slice('application/'.length) : lower
  return rest.includes('/') ? lower : rest
}

/** A token that passed the gate: its decoded header, and its payload when it is a claims set. */
export interface GatedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown> | undefined
}

// Base64url digit values; -1 for every other character, so one table lookup checks the alphabet.
const digits = new Int8Array(128).fill(-1)
for (const [i, c] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  digits[c.charCodeAt(0)] = i
}

/**
 * Decodes canonical unpadded base64url, or gives `undefined`: any character outside the alphabet
 * (padding, whitespace, `+`, `/`), an impossible length, or non-zero trailing bits. jose accepts
 * several of these; two spellings of one signature or payload are one too many.
 */
export const decodeBase64url = (text: string): Uint8Array | undefined => {
  if (text.length % 4 === 1) return undefined
  const bytes = new Uint8Array((text.length * 3) >> 2)
  let buffer = 0
  let bits = 0
  let j = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? (digits[code] as number) : -1
    if (value < 0) return undefined
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[j++] = buffer >> bits
      buffer &= (1 << bits) - 1
    }
  }
  return buffer === 0 ? bytes : undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// Members at the top level of a JSON object text that JSON.parse accepted: one `:` each.
const countMembers = (json: string) => {
  let depth = 0
  let count = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) depth--
    else if (c === 0x3a && depth === 1) count++
  }
  return count
}

// A JSON object in valid UTF-8 with unique member names (RFC 7515 §4 allows rejecting duplicates,
// and a duplicate `alg` or `sub` is read differently by different parsers), else `undefined`.
const jsonObject = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const text = utf8.decode(bytes)
    const value: unknown = JSON.parse(text)
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
    if (countMembers(text) !== Object.keys(value).length) return undefined
    return value as Record<string, unknown>
  } catch {
    return undefined
  }
}

const numericDates = ['exp', 'iat', 'nbf'] as const

// Type checks on claims that jose leaves loose: `exp: 1e400` parses to Infinity, which it treats
// as "never expires", and a non-string `aud` entry is never a match we want to reason about.
const claimsProblem = (claims: Record<string, unknown>): string | undefined => {
  for (const name of numericDates) {
    const value = claims[name]
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) {
      return `The token's "${name}" claim is not a finite NumericDate`
    }
  }
  const { aud } = claims
  if (aud === undefined || typeof aud === 'string') return undefined
  if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'))
    return undefined
  return `The token's "aud" claim is not a string or a list of strings`
}

// Header parameters that change how a JWS is read. We implement no extension, so a token that
// needs one is refused rather than half understood (RFC 7515 §4.1.11, RFC 7797).
const refusedHeaders = ['crit', 'b64'] as const

/**
 * The strict gate every token passes before any key lookup or crypto: length, exactly three
 * segments of canonical base64url, a JSON object header in UTF-8 naming an allowed `alg`, and a
 * JSON object payload with well-typed registered claims. Each refusal is an `InvalidTokenError`
 * (401) whose description never quotes the token. `jwk`, `jku`, `x5u` and `x5c` pass through
 * unread: keys only ever come from the configuration.
 *
 * @example
 * const { header } = checkToken(token, { realm, maxLength: 8192, algorithms, payload: 'claims' })
 */
export const checkToken = (token: string, options: GateOptions): GatedToken => {
  const refuse = (description: string) => new InvalidTokenError(options.realm, description)
  if (token.length > options.maxLength) throw refuse('The token is too long')
  const parts = token.split('.')
  if (parts.length !== 3) throw refuse('The token is not a compact JWS of three segments')
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  if (!headerPart || !signaturePart) throw refuse('The token has an empty segment')

  const headerBytes = decodeBase64url(headerPart)
  const payloadBytes = decodeBase64url(payloadPart)
  if (!headerBytes || !payloadBytes || !decodeBase64url(signaturePart)) {
    throw refuse('The token is not canonical base64url')
  }

  const header = jsonObject(headerBytes)
  if (!header) throw refuse('The token header is not a JSON object')
  const { alg, kid } = header
  if (typeof alg !== 'string' || !options.algorithms.has(alg)) {
    throw refuse('The token algorithm is not allowed')
  }
  if (kid !== undefined && typeof kid !== 'string') throw refuse('The token "kid" is not a string')
  for (const name of refusedHeaders) {
    if (header[name] !== undefined) throw refuse(`The token header "${name}" is not supported`)
  }
  // RFC 8725 §3.11: a logout token, a DPoP proof or an `at+jwt` is not the token this service takes.
  const { typ } = header
  if (
    options.types &&
    (typ === undefined
      ? options.requireType
      : typeof typ !== 'string' || !options.types.has(mediaType(typ)))
  ) {
    throw refuse('The token type ("typ") is not accepted')
  }

  if (options.payload === 'bytes') return { header, payload: undefined }
  const payload = jsonObject(payloadBytes)
  if (!payload) throw refuse('The token payload is not a JSON object')
  const problem = claimsProblem(payload)
  if (problem) throw refuse(problem)
  return { header, payload }
}
