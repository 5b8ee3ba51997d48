// ROCA (CVE-2017-15361): RSA moduli made by Infineon's library can be factored. Checked once per
// key, when it is configured or a key set is fetched.

// The published fingerprint (Nemec et al., CCS 2017): an Infineon-made modulus is, modulo each of
// these small primes, a power of 65537. A random modulus passes all 38 with probability about
// 2⁻²⁸: one honest key in some 240 million is refused, and generating another one fixes it.
const rocaPrimes = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
]
let rocaPowers: Set<number>[] | undefined

// The modulus's residue modulo a small prime, read from its big-endian bytes: one pass of
// small-number arithmetic, linear in the key's size. (Building a BigInt byte by byte, as this
// once did, is quadratic: a 94 KiB modulus from a key set held the event loop for seconds.)
const residue = (modulus: Uint8Array, prime: number) => {
  let r = 0
  for (const byte of modulus) r = (r * 256 + byte) % prime
  return r
}

/** Whether an RSA modulus (big-endian bytes) carries the ROCA fingerprint (its factors can be recovered). */
export const hasRocaFingerprint = (modulus: Uint8Array): boolean => {
  rocaPowers ??= rocaPrimes.map((p) => {
    const powers = new Set<number>()
    for (let x = 1; !powers.has(x); x = (x * (65537 % p)) % p) powers.add(x)
    return powers
  })
  return rocaPrimes.every((p, i) => rocaPowers?.[i]?.has(residue(modulus, p)))
}
