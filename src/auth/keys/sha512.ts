// SHA-512 (FIPS 180-4), synchronous, for deriving an Ed25519 public key from its seed when a
// private JWK is configured: Web Crypto has only an asynchronous digest, and factories check keys
// before they return. Run once per key, never per token.

const MASK = (1n << 64n) - 1n
let constants: { k: bigint[]; iv: bigint[] } | undefined

// First 64 bits of the fractional part of the `root`-th root of a prime, computed rather than
// copied, so no constant can be mistyped.
const fractionBits = (prime: number, root: 2n | 3n) => {
  const scaled = BigInt(prime) << (64n * root)
  let r = 1n << ((BigInt(scaled.toString(2).length) + root - 1n) / root)
  for (;;) {
    const next = ((root - 1n) * r + scaled / r ** (root - 1n)) / root
    if (next >= r) break
    r = next
  }
  return r & MASK
}

const primes = (count: number) => {
  const found: number[] = []
  for (let n = 2; found.length < count; n++) if (found.every((q) => n % q)) found.push(n)
  return found
}

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK

export const sha512 = (message: Uint8Array): Uint8Array => {
  constants ??= {
    k: primes(80).map((q) => fractionBits(q, 3n)),
    iv: primes(8).map((q) => fractionBits(q, 2n)),
  }
  const { k, iv } = constants
  const length = Math.ceil((message.length + 17) / 128) * 128
  const padded = new Uint8Array(length)
  padded.set(message)
  padded[message.length] = 0x80
  new DataView(padded.buffer).setBigUint64(length - 8, BigInt(message.length) * 8n)
  const h = [...iv]
  const w = new Array<bigint>(80)
  const view = new DataView(padded.buffer)
  for (let block = 0; block < length; block += 128) {
    for (let t = 0; t < 16; t++) w[t] = view.getBigUint64(block + t * 8)
    for (let t = 16; t < 80; t++) {
      const w15 = w[t - 15] as bigint
      const w2 = w[t - 2] as bigint
      const s0 = rotr(w15, 1n) ^ rotr(w15, 8n) ^ (w15 >> 7n)
      const s1 = rotr(w2, 19n) ^ rotr(w2, 61n) ^ (w2 >> 6n)
      w[t] = (s1 + (w[t - 7] as bigint) + s0 + (w[t - 16] as bigint)) & MASK
    }
    let [a, b, c, d, e, f, g, hh] = h as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ]
    for (let t = 0; t < 80; t++) {
      const s1 = rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)
      const ch = (e & f) ^ (~e & MASK & g)
      const t1 = (hh + s1 + ch + (k[t] as bigint) + (w[t] as bigint)) & MASK
      const s0 = rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)
      const maj = (a & b) ^ (a & c) ^ (b & c)
      const t2 = (s0 + maj) & MASK
      hh = g
      g = f
      f = e
      e = (d + t1) & MASK
      d = c
      c = b
      b = a
      a = (t1 + t2) & MASK
    }
    for (const [i, v] of [a, b, c, d, e, f, g, hh].entries()) h[i] = ((h[i] as bigint) + v) & MASK
  }
  const out = new Uint8Array(64)
  const outView = new DataView(out.buffer)
  for (const [i, v] of h.entries()) outView.setBigUint64(i * 8, v)
  return out
}
