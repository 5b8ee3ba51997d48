// Point checks a public key passes when it is configured or fetched: is an EC point on its curve,
// is an Ed25519 point canonical and of large order. Web Crypto imports do not refuse all of these
// (an Ed25519 point of small order imports everywhere), so they stay ours. BigInt, synchronous
// (factories check keys before returning), on inputs of a curve's fixed size, once per key.
// Whether a private part matches its public one is Web Crypto's to answer (key-pair.ts).

/** A big-endian unsigned integer; linear in its length (hex text, one native parse). */
export const bigintOf = (bytes: Uint8Array): bigint => {
  let hex = '0x0'
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16)
  return BigInt(hex)
}

const mod = (a: bigint, m: bigint) => {
  const r = a % m
  return r < 0n ? r + m : r
}

// --- NIST curves: y² = x³ - 3x + b over GF(p) ---

export interface Weierstrass {
  p: bigint
  b: bigint
  /** Bytes of one coordinate in a JWK. */
  size: number
}

let curves: Readonly<Record<string, Weierstrass>> | undefined

/** The NIST curves by JWK `crv`, built on first use (BigInt arithmetic: nothing runs at import). */
export const nistCurves = (): Readonly<Record<string, Weierstrass>> =>
  (curves ??= {
    'P-256': {
      p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
      b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
      size: 32,
    },
    'P-384': {
      p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
      b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
      size: 48,
    },
    'P-521': {
      p: 2n ** 521n - 1n,
      b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
      size: 66,
    },
  })

/** Whether (x, y) is a point of the curve: both coordinates reduced, and the equation holds. */
export const onNistCurve = (curve: Weierstrass, x: bigint, y: bigint): boolean => {
  const { p, b } = curve
  if (x >= p || y >= p) return false
  return mod(y * y - (x * x * x - 3n * x + b), p) === 0n
}

// --- Ed25519: -x² + y² = 1 + d·x²·y² over GF(2²⁵⁵ - 19), extended coordinates (RFC 8032) ---

// 2²⁵⁵ - 19, written out (a literal: nothing to evaluate at import).
const P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedn
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n
// √-1 = 2^((P-1)/4), written out: a literal, not a second exponentiation on a cold start.
const sqrtM1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n

// z^(2²⁵² - 3), the square root's exponent (P - 5) / 8, by ref10's addition chain: 251 squarings
// and 11 products, where square-and-multiply takes some 250 more products.
const squares = (x: bigint, k: number) => {
  for (let i = 0; i < k; i++) x = (x * x) % P
  return x
}
const pow22523 = (z: bigint): bigint => {
  const z2 = (z * z) % P
  const z9 = (squares(z2, 2) * z) % P
  const z31 = (((z9 * z2) % P) ** 2n * z9) % P // z^(2⁵ - 1)
  const z10 = (squares(z31, 5) * z31) % P // z^(2¹⁰ - 1), and so on
  const z20 = (squares(z10, 10) * z10) % P
  const z50 = (squares((squares(z20, 20) * z20) % P, 10) * z10) % P
  const z100 = (squares(z50, 50) * z50) % P
  const z250 = (squares((squares(z100, 100) * z100) % P, 50) * z50) % P
  return (squares(z250, 2) * z) % P
}

type Extended = [x: bigint, y: bigint, z: bigint, t: bigint]

// RFC 8032 §5.1.4; the formula is complete, so it doubles too.
const edAdd = ([x1, y1, z1, t1]: Extended, [x2, y2, z2, t2]: Extended): Extended => {
  const a = mod((y1 - x1) * (y2 - x2), P)
  const b = mod((y1 + x1) * (y2 + x2), P)
  const c = mod(t1 * 2n * D * t2, P)
  const d = mod(z1 * 2n * z2, P)
  const e = b - a
  const f = d - c
  const g = d + c
  const h = b + a
  return [mod(e * f, P), mod(g * h, P), mod(f * g, P), mod(e * h, P)]
}

const edMultiply = (point: Extended, k: bigint): Extended => {
  let acc: Extended = [0n, 1n, 1n, 0n]
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    acc = edAdd(acc, acc)
    if ((k >> i) & 1n) acc = edAdd(acc, point)
  }
  return acc
}

const littleEndian = (bytes: Uint8Array) => bigintOf(bytes.slice().reverse())

/** RFC 8032 §5.1.3: the point a 32-byte encoding names, or `undefined` (non-canonical, no such point). */
const edDecode = (bytes: Uint8Array): Extended | undefined => {
  if (bytes.length !== 32) return undefined
  const copy = bytes.slice()
  const sign = BigInt((copy[31] as number) >> 7)
  copy[31] = (copy[31] as number) & 0x7f
  const y = littleEndian(copy)
  if (y >= P) return undefined
  const u = mod(y * y - 1n, P)
  const v = mod(D * y * y + 1n, P)
  const v3 = (v * v * v) % P
  let x = (u * v3 * pow22523((u * v3 * v3 * v) % P)) % P
  const vx2 = (v * x * x) % P
  if (vx2 !== u) {
    if (vx2 !== mod(-u, P)) return undefined
    x = (x * sqrtM1) % P
  }
  if (x === 0n && sign === 1n) return undefined
  if ((x & 1n) !== sign) x = P - x
  return [x, y, 1n, (x * y) % P]
}

const isIdentity = ([x, y, z]: Extended) => x === 0n && y === z

/**
 * Why a 32-byte Ed25519 public key must not verify, or `undefined`: it does not decode to a point
 * (or not canonically), or the point has small order, which lets anyone forge signatures that
 * verify under it (R = identity, S = 0).
 */
export const ed25519PointProblem = (bytes: Uint8Array): string | undefined => {
  if (bytes.length !== 32) return `is an Ed25519 key of ${bytes.length} bytes (32)`
  const point = edDecode(bytes)
  if (!point) return 'is not a canonical Ed25519 point'
  if (isIdentity(edMultiply(point, 8n))) return 'is an Ed25519 point of small order'
  return undefined
}
