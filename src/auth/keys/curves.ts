// Point arithmetic for the checks a key passes when it is configured: is an EC point on its curve,
// is an Ed25519 point canonical and of large order, does a private scalar give its public point.
// BigInt, synchronous (factories check keys before returning), run once per key, never per token.
import { sha512 } from './sha512'

/** A big-endian unsigned integer. */
export const bigintOf = (bytes: Uint8Array): bigint => {
  let n = 0n
  for (const byte of bytes) n = (n << 8n) | BigInt(byte)
  return n
}

const mod = (a: bigint, m: bigint) => {
  const r = a % m
  return r < 0n ? r + m : r
}

export const modPow = (base: bigint, exponent: bigint, m: bigint): bigint => {
  let result = 1n
  let b = mod(base, m)
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m
    b = (b * b) % m
  }
  return result
}

// --- NIST curves: y² = x³ - 3x + b over GF(p), Jacobian coordinates ---

export interface Weierstrass {
  p: bigint
  b: bigint
  /** The order of the base point. */
  n: bigint
  gx: bigint
  gy: bigint
  /** Bytes of one coordinate in a JWK. */
  size: number
}

export const nistCurves: Readonly<Record<string, Weierstrass>> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    size: 32,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    size: 48,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    size: 66,
  },
}

/** Whether (x, y) is a point of the curve: both coordinates reduced, and the equation holds. */
export const onNistCurve = (curve: Weierstrass, x: bigint, y: bigint): boolean => {
  const { p, b } = curve
  if (x >= p || y >= p) return false
  return mod(y * y - (x * x * x - 3n * x + b), p) === 0n
}

type Jacobian = [x: bigint, y: bigint, z: bigint]

const jacobianDouble = ([x, y, z]: Jacobian, p: bigint): Jacobian => {
  if (z === 0n || y === 0n) return [1n, 1n, 0n]
  const delta = (z * z) % p
  const gamma = (y * y) % p
  const beta = (x * gamma) % p
  const alpha = mod(3n * (x - delta) * (x + delta), p)
  const x3 = mod(alpha * alpha - 8n * beta, p)
  const z3 = mod((y + z) * (y + z) - gamma - delta, p)
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, p)
  return [x3, y3, z3]
}

// Adds an affine point (x2, y2) to a Jacobian one.
const jacobianAddAffine = (a: Jacobian, x2: bigint, y2: bigint, p: bigint): Jacobian => {
  const [x1, y1, z1] = a
  if (z1 === 0n) return [x2, y2, 1n]
  const z1z1 = (z1 * z1) % p
  const u2 = (x2 * z1z1) % p
  const s2 = (y2 * z1 * z1z1) % p
  const h = mod(u2 - x1, p)
  const r = mod(2n * (s2 - y1), p)
  if (h === 0n) return r === 0n ? jacobianDouble([x2, y2, 1n], p) : [1n, 1n, 0n]
  const hh = (h * h) % p
  const i = 4n * hh
  const j = (h * i) % p
  const v = (x1 * i) % p
  const x3 = mod(r * r - j - 2n * v, p)
  const y3 = mod(r * (v - x3) - 2n * y1 * j, p)
  const z3 = mod((z1 + h) * (z1 + h) - z1z1 - hh, p)
  return [x3, y3, z3]
}

/** k·G in affine coordinates, or `undefined` for the point at infinity. */
export const nistBaseMultiply = (curve: Weierstrass, k: bigint): [bigint, bigint] | undefined => {
  const { p, gx, gy } = curve
  let acc: Jacobian = [1n, 1n, 0n]
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    acc = jacobianDouble(acc, p)
    if ((k >> i) & 1n) acc = jacobianAddAffine(acc, gx, gy, p)
  }
  const [x, y, z] = acc
  if (z === 0n) return undefined
  const zi = modPow(z, p - 2n, p)
  const zi2 = (zi * zi) % p
  return [(x * zi2) % p, (y * zi2 * zi) % p]
}

// --- Ed25519: -x² + y² = 1 + d·x²·y² over GF(2²⁵⁵ - 19), extended coordinates (RFC 8032) ---

const P = 2n ** 255n - 19n
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n
// √−1 and the base point, computed on first use (a key check), not when the module loads.
let ed25519: { sqrtM1: bigint; base: Extended } | undefined
const edConstants = () => {
  if (ed25519) return ed25519
  const x = 15112221349535400772501151409588531511454012693041857206046113283949847762202n
  const y = 46316835694926478169428394003475163141307993866256225615783033603165251855960n
  ed25519 = { sqrtM1: modPow(2n, (P - 1n) / 4n, P), base: [x, y, 1n, (x * y) % P] }
  return ed25519
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
  let x = (u * v3 * modPow(u * v3 * v3 * v, (P - 5n) / 8n, P)) % P
  const vx2 = (v * x * x) % P
  if (vx2 !== u) {
    if (vx2 !== mod(-u, P)) return undefined
    x = (x * edConstants().sqrtM1) % P
  }
  if (x === 0n && sign === 1n) return undefined
  if ((x & 1n) !== sign) x = P - x
  return [x, y, 1n, (x * y) % P]
}

const edEncode = ([x, y, z]: Extended): Uint8Array => {
  const zi = modPow(z, P - 2n, P)
  const ax = (x * zi) % P
  const ay = (y * zi) % P
  const bytes = new Uint8Array(32)
  let rest = ay
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  bytes[31] = (bytes[31] as number) | (Number(ax & 1n) << 7)
  return bytes
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

/** Whether a 32-byte Ed25519 seed (`d`) gives the public key `x` (RFC 8032 §5.1.5). */
export const ed25519SeedMatches = (seed: Uint8Array, x: Uint8Array): boolean => {
  if (seed.length !== 32) return false
  const h = sha512(seed)
  h[0] = (h[0] as number) & 248
  h[31] = ((h[31] as number) & 127) | 64
  const a = littleEndian(h.subarray(0, 32))
  const derived = edEncode(edMultiply(edConstants().base, a))
  return derived.every((byte, i) => byte === x[i])
}
