// Tables and ratios from one run's timings. Only ratios within a run mean anything on a noisy
// machine; absolute times are printed for orientation, never compared across runs.

/** Time per operation, in nanoseconds, by scenario name. */
export type Timings = Record<string, number>

export interface Ratio {
  name: string
  value: number
  /** The ratio must not exceed this; `undefined` when it is shown for information only. */
  target?: number
}

const at = (t: Timings, name: string) => {
  const value = t[name]
  if (value === undefined) throw new Error(`no timing for "${name}"`)
  return value
}

/** The issue's targets (and a few ratios worth seeing), for one runtime and algorithm. */
export const ratios = (t: Timings, workerd: boolean): Ratio[] => {
  const bare = at(t, 'bare route')
  const ours = at(t, 'ours, single')
  const subtle = at(t, 'subtle.verify')
  const list: Ratio[] = [
    {
      name: 'ours single / hono/jwt CryptoKey',
      value: ours / at(t, 'hono/jwt, CryptoKey'),
      target: 0.9,
    },
    {
      // No middleware can go below the route plus the crypto: where the peer adds less than a
      // ninth of that, ≤ 0.9 is out of reach for anyone.
      name: 'floor: (bare + subtle.verify) / hono/jwt CryptoKey',
      value: (bare + subtle) / at(t, 'hono/jwt, CryptoKey'),
    },
    { name: 'ours single / jose middleware', value: ours / at(t, 'jose middleware'), target: 0.9 },
    {
      name: 'floor: (bare + subtle.verify) / jose middleware',
      value: (bare + subtle) / at(t, 'jose middleware'),
    },
    {
      name: '(ours − bare) / (1.5 × subtle.verify + 5 µs)',
      value: (ours - bare) / (1.5 * subtle + 5000),
      // The issue sets this target in workerd only.
      target: workerd ? 1 : undefined,
    },
    {
      name: 'floor: (crypto-only middleware − bare) / (1.5 × subtle.verify + 5 µs)',
      value: (at(t, 'middleware awaiting subtle.verify') - bare) / (1.5 * subtle + 5000),
    },
    { name: 'ours nested / ours single', value: at(t, 'ours, nested') / ours, target: 1.05 },
    { name: 'ours single / hono/jwt docs key', value: ours / at(t, 'hono/jwt, docs key') },
  ]
  if (t['ours, DPoP'] !== undefined) {
    // A DPoP request against a bearer one, same token algorithm: the proof's signature, its key
    // (imported once per client), SHA-256 of the token, the replay store.
    list.push({ name: 'ours DPoP / ours single (bearer)', value: at(t, 'ours, DPoP') / ours })
  }
  if (t['hono/jwk'] !== undefined) {
    list.push({ name: 'ours single / hono/jwk', value: ours / at(t, 'hono/jwk') })
  }
  list.push(
    { name: '(ours − bare) / subtle.verify', value: (ours - bare) / subtle },
    {
      name: '(ours − crypto-only middleware) / subtle.verify',
      value: (ours - at(t, 'middleware awaiting subtle.verify')) / subtle,
    },
    { name: 'verifier / jose.jwtVerify', value: at(t, 'verifier') / at(t, 'jose.jwtVerify') },
    {
      name: '(verifier − subtle.verify) / (jwtVerify − subtle.verify)',
      value: (at(t, 'verifier') - subtle) / (at(t, 'jose.jwtVerify') - subtle),
    },
    {
      name: '(ours − no-op mw − verifier) / verifier',
      value: (ours - at(t, 'bare + no-op middleware') - at(t, 'verifier')) / at(t, 'verifier'),
    },
    {
      name: '(cached − no-op mw) / (ours nested − no-op mw)',
      value:
        (at(t, 'ours, nested + cache') - at(t, 'bare + no-op middleware')) /
        (at(t, 'ours, nested') - at(t, 'bare + no-op middleware')),
    },
  )
  return list
}

const formatNs = (ns: number) =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(1)} µs`
      : `${ns.toFixed(0)} ns`

/** The marker `bench/all.mjs` finds a report's target ratios by, to print the summary. */
export const ratiosMarker = '<!-- ratios '

/**
 * A markdown table of timings then one of ratios, for one runtime and algorithm, and a comment
 * line holding the target ratios as JSON (for the summary across runtimes).
 */
export const report = (
  runtime: string,
  alg: string,
  t: Timings,
  spread: Timings = {},
  workerd = false,
): string => {
  const bare = t['bare route'] ?? 0
  const lines = [
    `### ${runtime}, ${alg}`,
    '',
    '| scenario | time / op | minus bare route | slowest / fastest round |',
    '| --- | ---: | ---: | ---: |',
  ]
  for (const [name, ns] of Object.entries(t)) {
    const request = !/^(jose\.|subtle|verifier|gate|bare route)/.test(name)
    const rounds = spread[name] === undefined ? '' : `${(spread[name] as number).toFixed(2)}×`
    lines.push(`| ${name} | ${formatNs(ns)} | ${request ? formatNs(ns - bare) : ''} | ${rounds} |`)
  }
  lines.push('', '| ratio | value | target | |', '| --- | ---: | ---: | --- |')
  const all = ratios(t, workerd)
  for (const r of all) {
    const verdict = r.target === undefined ? '' : r.value <= r.target ? 'met' : '**missed**'
    lines.push(
      `| ${r.name} | ${r.value.toFixed(3)} | ${r.target === undefined ? '' : `≤ ${r.target}`} | ${verdict} |`,
    )
  }
  // The targets, and the floors that bound them, for the summary across runtimes.
  const targets = all.filter((r) => r.target !== undefined || r.name.startsWith('floor'))
  lines.push('', `${ratiosMarker}${JSON.stringify({ runtime, alg, targets })} -->`)
  return `${lines.join('\n')}\n`
}

/** The median of a few interleaved rounds of one scenario. */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** How far apart the rounds were: the noise a ratio has to be read against. */
export const spreadOf = (values: number[]) => Math.max(...values) / Math.min(...values)
