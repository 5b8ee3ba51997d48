// Whether two routes can match one request, decided on Hono's path syntax alone. Sound rather
// than exact: "no" is a proof, "yes" may be a request no router would send to both. Hono runs the
// handlers of every matching route in registration order, so the first route's guard (or its
// absence) decides for a request both match.

/** One element of a path pattern, as far as the segments it can match go. */
type Element =
  /** Exactly one segment with this text (after percent-decoding, as Hono compares). */
  | { kind: 'literal'; text: string }
  /** Exactly one segment, any text; `empty` when it may be empty. `:name` is non-empty. */
  | { kind: 'one'; name?: string; empty: boolean }
  /** No segment or one non-empty segment: `:name?`. */
  | { kind: 'optional'; name: string }
  /** Any number of segments, any text: `*`, and a regex parameter (its regex may span `/`). */
  | { kind: 'any'; name?: string }

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// Splits on the `/`s outside a regex parameter's braces: `:p{a/b}` is one element.
const segments = (path: string) => {
  // No braces (most tables): a plain split, without building each segment a character at a time.
  const parts: string[] = path.includes('{') ? bracedSegments(path) : path.split('/')
  parts.shift() // before the leading `/`
  // `/` is no segment; a trailing `/` is the path without it (Hono's `strict: false`).
  if (parts.at(-1) === '') parts.pop()
  return parts
}

const bracedSegments = (path: string) => {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of path) {
    if (char === '{') depth++
    else if (char === '}') depth = Math.max(0, depth - 1)
    if (char === '/' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  return parts
}

// A regex parameter whose regex cannot match the empty string spans at least one segment.
const matchesEmpty = (regex: string) => {
  try {
    return new RegExp(`^(?:${regex})$`).test('')
  } catch {
    return true
  }
}

/** A path pattern as the elements that match its segments. */
type Pattern = readonly Element[]

/** The elements of a Hono path pattern: `/a/:b/:c?/:d{[0-9]+}/*`. */
const pathPattern = (path: string): Element[] =>
  segments(path).flatMap((segment): Element[] => {
    // A plain literal (most segments) needs no regex, and decoding only with a `%` in it.
    if (!/[*:{}?%]/.test(segment)) return [{ kind: 'literal', text: segment }]
    const param = /^:([^{}?]+)(?:\{(.*)\})?(\?)?$/.exec(segment)
    if (param) {
      const [, name = '', regex, optional] = param
      if (regex !== undefined) {
        const spans: Element[] = matchesEmpty(regex)
          ? [{ kind: 'any', name }]
          : [{ kind: 'one', name, empty: true }, { kind: 'any' }]
        return optional ? [{ kind: 'any', name }] : spans
      }
      return [optional ? { kind: 'optional', name } : { kind: 'one', name, empty: false }]
    }
    // A wildcard anywhere in a segment, or syntax we do not model: it may match anything.
    if (/[*:{}?]/.test(segment)) return [{ kind: 'any' }]
    return [{ kind: 'literal', text: decode(segment) }]
  })

type Single = Exclude<Element, { kind: 'any' } | { kind: 'optional' }>

// Whether one segment can satisfy both elements.
const oneMeets = (a: Single, b: Single) => {
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text
  if (a.kind === 'literal') return (b as { empty: boolean }).empty || a.text !== ''
  if (b.kind === 'literal') return a.empty || b.text !== ''
  return true
}

const present = (e: Element): Single =>
  e.kind === 'optional' ? { kind: 'one', name: e.name, empty: false } : (e as Single)

// Patterns of single segments only (literals and `:name`): they meet when they have as many
// segments and each pair of them can be one segment. Most tables hold nothing else, and this
// answers them without the general walk's memo.
const single = (pattern: Pattern) => pattern.every((e) => e.kind === 'literal' || e.kind === 'one')

/** Whether some request path matches both patterns. */
const patternsMeet = (a: Pattern, b: Pattern): boolean => {
  if (single(a) && single(b)) {
    return a.length === b.length && a.every((x, i) => oneMeets(x as Single, b[i] as Single))
  }
  const memo = new Map<number, boolean>()
  const meet = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j
    const known = memo.get(key)
    if (known !== undefined) return known
    memo.set(key, false) // no cycles: every step below moves i or j on
    const x = a[i]
    const y = b[j]
    let result = x === undefined && y === undefined
    if (!result && x?.kind === 'any') {
      // Stop here, or take the segment(s) of `y` (a lone segment, or nothing for another `any`).
      result = meet(i + 1, j) || (y !== undefined && meet(i, j + 1))
    }
    if (!result && y?.kind === 'any') result = meet(i, j + 1) || (x !== undefined && meet(i + 1, j))
    if (!result && x?.kind === 'optional') result = meet(i + 1, j)
    if (!result && y?.kind === 'optional') result = meet(i, j + 1)
    if (!result && x && y && x.kind !== 'any' && y.kind !== 'any') {
      result = oneMeets(present(x), present(y)) && meet(i + 1, j + 1)
    }
    memo.set(key, result)
    return result
  }
  return meet(0, 0)
}

/** Whether requests of one method can reach routes of both (`ALL` any; HEAD is served by GET). */
const methodsMeet = (a: string, b: string): boolean => {
  const [x, y] = [a.toUpperCase(), b.toUpperCase()]
  const head = (m: string) => (m === 'HEAD' ? 'GET' : m)
  return x === 'ALL' || y === 'ALL' || head(x) === head(y)
}

/**
 * Where a parameter sits when every element before it matches exactly one segment (so its
 * position is fixed), else `undefined`.
 */
const fixedPosition = (pattern: Pattern, name: string): number | undefined => {
  for (let i = 0; i < pattern.length; i++) {
    const e = pattern[i] as Element
    if (e.kind === 'one' && e.name === name && !e.empty) return i
    if (e.kind !== 'literal' && e.kind !== 'one') return undefined
  }
  return undefined
}

const names = (pattern: Pattern) =>
  pattern.flatMap((e) => ('name' in e && e.name !== undefined ? [e.name] : []))

/** What the overlap check reads of a table route. */
export interface OverlapRoute {
  readonly method: string
  readonly path: string
  readonly public: boolean
  /** Effective scopes. */
  readonly scopes: readonly string[]
  /** Path parameters its policy reads: its ownership parameters, or `'all'` with a checker. */
  readonly reads: readonly string[] | 'all'
}

// What a path matches, whatever its parameters are called: `/ti/:id/info` and
// `/ti/:task_instance_id/info` serve the same requests, so they get the same shape.
const pathShape = (path: string) => path.replace(/\/:[^/{?]+/g, '/:')

// One policy for every request two routes share: both public, or the same scopes with every
// parameter the policy reads at one fixed position in both, so whichever runs first decides alike.
const samePolicy = (a: OverlapRoute, b: OverlapRoute, pa: Pattern, pb: Pattern) => {
  if (a.public || b.public) return a.public === b.public
  const scopes = new Set(a.scopes)
  if (scopes.size !== new Set(b.scopes).size || !b.scopes.every((s) => scopes.has(s))) {
    return false
  }
  const read =
    a.reads === 'all' || b.reads === 'all' ? new Set([...names(pa), ...names(pb)]) : a.reads
  return [...read].every((name) => {
    const at = fixedPosition(pa, name)
    return at !== undefined && at === fixedPosition(pb, name)
  })
}

const describe = (r: OverlapRoute) =>
  `${r.method.toUpperCase()} ${r.path} (${r.public ? 'public' : `scopes: ${r.scopes.join(', ') || 'none'}`})`

// Routes bucketed by method (HEAD as GET) and first two segments, when both are literal (tables
// usually share a base path, so one segment would make one bucket). Two routes of different
// buckets meet on no request: their methods differ, or a literal segment differs at a position
// both reach with single-segment elements (so their shapes differ too). The rest (`ALL`, fewer
// than two leading literals: `undefined`) are compared with every route. Without buckets the
// check was quadratic in routes, and a cold start pays for it.
const bucketKey = (route: OverlapRoute, pattern: Pattern): string | undefined => {
  const method = route.method.toUpperCase()
  const lead = pattern.slice(0, 2)
  if (method === 'ALL' || lead.length < 2) return undefined
  const texts = lead.map((e) => (e.kind === 'literal' ? e.text : undefined))
  if (texts.includes(undefined)) return undefined
  // JSON keeps segment texts apart whatever they contain (a decoded segment may hold `/`).
  return JSON.stringify([method === 'HEAD' ? 'GET' : method, ...texts])
}

/**
 * Two routes that can match one request are a build error unless they carry the same policy:
 * Hono runs the first one registered, so an unguarded (or more loosely guarded) route listed
 * first would serve the other's requests without its guard. Identical paths (parameter names
 * erased) are an error even with one policy: the second route could never answer.
 */
export const refuseOverlaps = (routes: readonly OverlapRoute[]): void => {
  const patterns = routes.map((r) => pathPattern(r.path))
  const shapes = routes.map((r) => pathShape(r.path))
  const buckets = new Map<string, number[]>()
  const wild: number[] = []
  for (let i = 0; i < routes.length; i++) {
    const key = bucketKey(routes[i] as OverlapRoute, patterns[i] as Pattern)
    // The earlier routes that may meet this one, in registration order (errors name the first).
    const bucket = key === undefined ? undefined : buckets.get(key)
    const earlier =
      key === undefined
        ? Array.from({ length: i }, (_, k) => k)
        : !wild.length
          ? (bucket ?? [])
          : [...(bucket ?? []), ...wild].sort((x, y) => x - y)
    for (const j of earlier) {
      const [a, b] = [routes[j] as OverlapRoute, routes[i] as OverlapRoute]
      if (!methodsMeet(a.method, b.method)) continue
      const first = `${a.method.toUpperCase()} ${a.path}`
      const second = `${b.method.toUpperCase()} ${b.path}`
      if (shapes[i] === shapes[j]) {
        if (first === second) throw new Error(`Route defined twice: ${first}`)
        throw new Error(`Routes match the same requests: ${first} and ${second}`)
      }
      const [pa, pb] = [patterns[j] as Pattern, patterns[i] as Pattern]
      if (patternsMeet(pa, pb) && !samePolicy(a, b, pa, pb)) {
        throw new Error(
          `Routes can match the same request with different policies: ${describe(a)} and ${describe(b)}; the first would decide for both. Give them the same scopes, or paths no request matches both (a literal segment where the other has another literal)`,
        )
      }
    }
    // Added after the comparisons: `earlier` may be this very bucket.
    if (key === undefined) wild.push(i)
    else if (bucket) bucket.push(i)
    else buckets.set(key, [i])
  }
}
