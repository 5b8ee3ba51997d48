// ROCA (CVE-2017-15361): RSA moduli made by Infineon's library can be factored. Checked once per
// key, when it is configured or a key set is fetched.

// The published fingerprint (Nemec et al., CCS 2017): an Infineon-made modulus is, modulo each of
// these small primes, a power of 65537. A random modulus passes all 38 with probability about
// 2⁻²⁸: one honest key in some 240 million is refused, and generating another one fixes it.
const rocaPrimes = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
]
let tables:
  | { groups: { product: number; primes: number[] }[]; powers: Map<number, Uint8Array> }
  | undefined

// The primes in groups whose product stays below 2⁴⁴, so that `r · 256 + byte` stays an exact
// double: one pass over the modulus per group (6 groups) instead of one per prime (38).
const build = () => {
  const groups: { product: number; primes: number[] }[] = []
  for (const p of rocaPrimes) {
    const last = groups.at(-1)
    if (last && last.product * p < 2 ** 44) {
      last.product *= p
      last.primes.push(p)
    } else groups.push({ product: p, primes: [p] })
  }
  // One flag per residue (1: a power of 65537): built on a cold start, where ~2,900 `Set` inserts
  // cost several times what a byte array does.
  const powers = new Map<number, Uint8Array>()
  for (const p of rocaPrimes) {
    const flags = new Uint8Array(p)
    for (let x = 1; flags[x] === 0; x = (x * (65537 % p)) % p) flags[x] = 1
    powers.set(p, flags)
  }
  return { groups, powers }
}

// The modulus's residue modulo `m`, read from its big-endian bytes: small-number arithmetic,
// linear in the key's size. (Building a BigInt byte by byte, as this once did, is quadratic: a
// 94 KiB modulus from a key set held the event loop for seconds.)
const residue = (modulus: Uint8Array, m: number) => {
  let r = 0
  for (const byte of modulus) r = (r * 256 + byte) % m
  return r
}

/** Whether an RSA modulus (big-endian bytes) carries the ROCA fingerprint (its factors can be recovered). */
export const hasRocaFingerprint = (modulus: Uint8Array): boolean => {
  tables ??= build()
  const { groups, powers } = tables
  return groups.every(({ product, primes }) => {
    const r = residue(modulus, product)
    return primes.every((p) => powers.get(p)?.[r % p] === 1)
  })
}
