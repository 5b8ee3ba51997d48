import type { JWK } from 'jose'

// A shared secret that is a configured public key's own material (an RSA modulus, an EC or OKP
// coordinate, as bytes, hex or base64 text) is known to everyone who holds that public key: with
// it anyone can MAC tokens. `secretBytes` already refuses a secret that is a whole key (PEM, JWK,
// DER, an EC point); this finds the pieces, against the keys given beside the secret.

// Lenient base64/base64url, whitespace and padding allowed: how a key member is pasted as text.
const base64 = (text: string) => {
  const compact = text.replace(/=+$/, '').replaceAll('-', '+').replaceAll('_', '/')
  if (!/^[A-Za-z0-9+/]+$/.test(compact) || compact.length % 4 === 1) return undefined
  try {
    return Uint8Array.from(atob(compact.padEnd(Math.ceil(compact.length / 4) * 4, '=')), (c) =>
      c.charCodeAt(0),
    )
  } catch {
    return undefined
  }
}

// Hex as tools print it: `0x` first, or bytes between colons (`openssl … -text`).
const hex = (text: string) => {
  const digits = text.replace(/^0x/i, '').replaceAll(':', '')
  if (!/^(?:[0-9a-f]{2})+$/i.test(digits)) return undefined
  return Uint8Array.from(digits.match(/../g) as string[], (pair) => Number.parseInt(pair, 16))
}

// Leading zero bytes do not change a number: `00‖n` (DER's sign byte) is still n.
const unpadded = (bytes: Uint8Array) => {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

// What the secret's bytes may stand for: themselves, or the bytes their text spells in hex or
// base64, whitespace removed.
const readings = (secret: Uint8Array): Uint8Array[] => {
  const text = new TextDecoder().decode(secret).replace(/\s+/g, '')
  return [secret, hex(text), base64(text)]
    .filter((bytes): bytes is Uint8Array => !!bytes)
    .map(unpadded)
}

const contains = (haystack: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

const members = { n: 'modulus ("n")', x: 'coordinate "x"', y: 'coordinate "y"' } as const

/**
 * Why `secret` must not be used, when its bytes (or the hex or base64 text they are) hold a
 * member of a key given beside it (`n`, `x`, `y`, at least 16 bytes); else `undefined`.
 */
export const secretMaterialProblem = (
  secret: Uint8Array,
  keys: readonly (readonly [option: string, jwk: JWK])[],
  option = 'secret',
): string | undefined => {
  const spelt = readings(secret)
  for (const [where, jwk] of keys) {
    for (const [name, what] of Object.entries(members)) {
      const value = (jwk as Record<string, unknown>)[name]
      const bytes = typeof value === 'string' ? base64(value) : undefined
      if (!bytes || bytes.length < 16) continue
      const needle = unpadded(bytes)
      if (spelt.some((reading) => contains(reading, needle))) {
        const kid = typeof jwk.kid === 'string' ? ` "${jwk.kid}"` : ''
        return `"${option}" holds the ${what} of the public key${kid} in "${where}": anyone with that public key could sign tokens; use a random secret (npx hono-scoped-jwt key --secret)`
      }
    }
  }
  return undefined
}
