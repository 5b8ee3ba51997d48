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
  /**
   * Headers that already passed these options' checks, by segment text (see `headerCache`).
   * Default: none, every header is decoded and checked.
   */
  headers?: Map<string, Readonly<Record<string, unknown>>>
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

/** Most distinct header segments a gate remembers: an issuer uses a handful, an attacker many. */
const headerCacheSize = 64

/**
 * A cache for `GateOptions.headers`. Every token of one issuer and key carries the same header
 * segment, so the gate decodes and checks it once; the text decides the header entirely, and only
 * flat headers that passed are kept (frozen), at most `headerCacheSize`, emptied when full.
 */
export const headerCache = (): Map<string, Readonly<Record<string, unknown>>> => new Map()

/**
 * A token that passed the gate: its decoded header, its payload when it is a claims set, and what
 * the signature check needs, so that nothing after the gate decodes or parses the token again.
 */
export interface GatedToken {
  header: Readonly<Record<string, unknown>>
  payload: Record<string, unknown> | undefined
  /** The decoded payload segment, when the payload is not a claims set (`payload: 'bytes'`). */
  payloadBytes: Uint8Array<ArrayBuffer> | undefined
  /** The decoded signature segment. */
  signature: Uint8Array<ArrayBuffer>
  /** What the signature covers: the first two segments as sent, in ASCII. */
  signingInput: Uint8Array<ArrayBuffer>
}

// Base64url digit values; -1 for every other character, so one table lookup checks the alphabet.
// Filled on the first token, not when the module loads.
let digitTable: Int8Array | undefined
const base64urlDigits = (): Int8Array => {
  if (digitTable) return digitTable
  digitTable = new Int8Array(128).fill(-1)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  for (let i = 0; i < alphabet.length; i++) digitTable[alphabet.charCodeAt(i)] = i
  return digitTable
}

/**
 * Decodes canonical unpadded base64url, or gives `undefined`: any character outside the alphabet
 * (padding, whitespace, `+`, `/`), an impossible length, or non-zero trailing bits. jose accepts
 * several of these; two spellings of one signature or payload are one too many.
 */
export const decodeBase64url = (text: string): Uint8Array<ArrayBuffer> | undefined => {
  const length = text.length
  const tail = length & 3
  if (tail === 1) return undefined
  const bytes = new Uint8Array((length * 3) >> 2)
  const digits = base64urlDigits()
  const digit = (i: number) => {
    const code = text.charCodeAt(i)
    return code < 128 ? (digits[code] as number) : -1
  }
  // Four characters make three bytes; a negative digit makes the OR negative.
  let j = 0
  const full = length - tail
  for (let i = 0; i < full; i += 4) {
    const a = digit(i)
    const b = digit(i + 1)
    const c = digit(i + 2)
    const d = digit(i + 3)
    if ((a | b | c | d) < 0) return undefined
    const word = (a << 18) | (b << 12) | (c << 6) | d
    bytes[j++] = word >> 16
    bytes[j++] = (word >> 8) & 0xff
    bytes[j++] = word & 0xff
  }
  if (tail === 0) return bytes
  // Two or three characters left: one or two bytes, and the bits past them must be zero.
  const a = digit(full)
  const b = digit(full + 1)
  const c = tail === 3 ? digit(full + 2) : 0
  if ((a | b | c) < 0) return undefined
  const word = (a << 18) | (b << 12) | (c << 6)
  bytes[j++] = word >> 16
  if (tail === 3) bytes[j++] = (word >> 8) & 0xff
  return (word & (tail === 3 ? 0xff : 0xffff)) === 0 ? bytes : undefined
}

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const ascii = /* @__PURE__ */ new TextEncoder()
// atob gives characters U+0000 to U+00FF, one per byte.
const beyondAscii = /[\x80-\xff]/

/**
 * The bytes of a canonical unpadded base64url segment (what `decodeBase64url` accepts), one
 * character each, decoded by the native `atob`; else `undefined`. `atob` reads the standard alphabet
 * and skips whitespace and padding, so: no `+` or `/` in the segment, `atob` must accept it, give
 * exactly as many bytes as its length encodes (nothing skipped), and leave no trailing bits set.
 */
const canonicalBinary = (segment: string): string | undefined => {
  const tail = segment.length & 3
  if (tail === 1 || segment.includes('+') || segment.includes('/')) return undefined
  let binary: string
  try {
    binary = atob(segment.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    return undefined
  }
  if (binary.length !== (segment.length * 3) >> 2) return undefined
  if (tail === 0) return binary
  const last = base64urlDigits()[segment.charCodeAt(segment.length - 1)] as number
  return (last & (tail === 2 ? 0x0f : 0x03)) === 0 ? binary : undefined
}

// The text of a segment's bytes in UTF-8, or `undefined` when they are not valid UTF-8. One
// character per byte already is the text for ASCII (every JSON a JWT library writes); anything
// beyond goes through the strict UTF-8 decoder.
const textOf = (binary: string): string | undefined => {
  if (!beyondAscii.test(binary)) return binary
  try {
    return utf8.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
  } catch {
    return undefined
  }
}

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
const jsonObject = (binary: string): Record<string, unknown> | undefined => {
  const text = textOf(binary)
  if (text === undefined) return undefined
  try {
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

  const cached = options.headers?.get(headerPart)
  const headerBinary = cached ? '' : canonicalBinary(headerPart)
  const payloadBinary = canonicalBinary(payloadPart)
  const signatureBinary = canonicalBinary(signaturePart)
  if (headerBinary === undefined || payloadBinary === undefined || signatureBinary === undefined) {
    throw refuse('The token is not canonical base64url')
  }

  const header = cached ?? checkHeader(headerPart, headerBinary, options, refuse)

  // What the signature covers (the first two segments as sent: base64url is ASCII, so each
  // character is its byte) and the signature, in one buffer: one allocation, two views.
  const signed = headerPart.length + payloadPart.length + 1
  const bytes = new Uint8Array(signed + signatureBinary.length)
  ascii.encodeInto(token.slice(0, signed), bytes)
  for (let i = 0; i < signatureBinary.length; i++) {
    bytes[signed + i] = signatureBinary.charCodeAt(i)
  }
  const signingInput = bytes.subarray(0, signed)
  const signature = bytes.subarray(signed)
  if (options.payload === 'bytes') {
    const payloadBytes = decodeBase64url(payloadPart) as Uint8Array<ArrayBuffer>
    return { header, payload: undefined, payloadBytes, signature, signingInput }
  }
  const payload = jsonObject(payloadBinary)
  if (!payload) throw refuse('The token payload is not a JSON object')
  const problem = claimsProblem(payload)
  if (problem) throw refuse(problem)
  return { header, payload, payloadBytes: undefined, signature, signingInput }
}

// The header's checks, on a segment seen for the first time; a header that passes is remembered.
const checkHeader = (
  headerPart: string,
  headerBinary: string,
  options: GateOptions,
  refuse: (description: string) => InvalidTokenError,
): Readonly<Record<string, unknown>> => {
  const header = jsonObject(headerBinary)
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
  // A remembered header is shared by every token carrying it: only flat ones (`alg`, `kid`, `typ`:
  // what issuers write) are kept, frozen, so that nothing a key lookup does can change them.
  const { headers } = options
  if (headers && Object.values(header).every((v) => v === null || typeof v !== 'object')) {
    if (headers.size >= headerCacheSize) headers.clear()
    headers.set(headerPart, Object.freeze(header))
  }
  return header
}
