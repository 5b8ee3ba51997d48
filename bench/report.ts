// Tables and ratios from one run's timings. Only ratios within a run mean anything on a noisy
// machine; absolute times are printed for orientation, never compared across runs.

/** Median time per operation, in nanoseconds, by scenario name. */
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

/** The issue's targets (and a few ratios worth seeing), for one algorithm. */
export const ratios = (t: Timings): Ratio[] => {
  const bare = at(t, 'bare route')
  const ours = at(t, 'ours, single')
  return [
    { name: 'ours single / hono/jwt ×1', value: ours / at(t, 'hono/jwt ×1'), target: 1 },
    { name: 'ours nested / hono/jwt ×3', value: at(t, 'ours, nested') / at(t, 'hono/jwt ×3') },
    { name: 'ours nested / ours single', value: at(t, 'ours, nested') / ours, target: 1.05 },
    { name: 'ours auth ×3 / ours single', value: at(t, 'ours, auth ×3') / ours, target: 1.05 },
    {
      name: '(ours − bare) / jwtVerify',
      value: (ours - bare) / at(t, 'jose.jwtVerify'),
      target: 1.1,
    },
    {
      name: '(ours − no-op mw) / jwtVerify',
      value: (ours - at(t, 'bare + no-op middleware')) / at(t, 'jose.jwtVerify'),
      target: 1.1,
    },
    {
      name: '(ours − verifier mw) / jwtVerify',
      value: (ours - at(t, 'bare + verifier middleware')) / at(t, 'jose.jwtVerify'),
    },
    {
      name: '(cached − no-op mw) / jwtVerify',
      value:
        (at(t, 'ours, nested + cache') - at(t, 'bare + no-op middleware')) /
        at(t, 'jose.jwtVerify'),
    },
    { name: 'jwtVerify / subtle.verify', value: at(t, 'jose.jwtVerify') / at(t, 'subtle.verify') },
    {
      name: 'cache hit / verify (verifier)',
      value: at(t, 'verifier, cache hit') / at(t, 'verifier'),
      target: 0.2,
    },
    {
      name: '(cached − bare) / (nested − bare)',
      value: (at(t, 'ours, nested + cache') - bare) / (at(t, 'ours, nested') - bare),
    },
  ]
}

const formatNs = (ns: number) =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(1)} µs`
      : `${ns.toFixed(0)} ns`

/** A markdown table of timings then one of ratios, for one runtime and algorithm. */
export const report = (title: string, t: Timings, spread: Timings = {}): string => {
  const bare = t['bare route'] ?? 0
  const lines = [
    `### ${title}`,
    '',
    '| scenario | time / op | minus bare route | slowest / fastest round |',
    '| --- | ---: | ---: | ---: |',
  ]
  for (const [name, ns] of Object.entries(t)) {
    const request = !/^(jose|subtle|verifier|hono\/jwt verify|bare route)/.test(name)
    const rounds = spread[name] === undefined ? '' : `${(spread[name] as number).toFixed(2)}×`
    lines.push(`| ${name} | ${formatNs(ns)} | ${request ? formatNs(ns - bare) : ''} | ${rounds} |`)
  }
  lines.push('', '| ratio | value | target | |', '| --- | ---: | ---: | --- |')
  for (const r of ratios(t)) {
    const verdict = r.target === undefined ? '' : r.value <= r.target ? 'met' : '**missed**'
    lines.push(
      `| ${r.name} | ${r.value.toFixed(3)} | ${r.target === undefined ? '' : `≤ ${r.target}`} | ${verdict} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

/**
 * The fastest of a few rounds of one scenario. Other processes on a shared machine only ever add
 * time, so the minimum is the estimate least disturbed by them, and it is taken alike for all.
 */
export const best = (values: number[]) => Math.min(...values)

/** How far apart the rounds were: the noise a ratio has to be read against. */
export const spreadOf = (values: number[]) => Math.max(...values) / Math.min(...values)
