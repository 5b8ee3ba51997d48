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
  parts.shift() // before the leading `/`
  // `/` is no segment; a trailing `/` is the path without it (Hono's `strict: false`).
  if (parts.at(-1) === '') parts.pop()
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
export type Pattern = readonly Element[]

/** The elements of a Hono path pattern: `/a/:b/:c?/:d{[0-9]+}/*`. */
export const pathPattern = (path: string): Element[] =>
  segments(path).flatMap((segment): Element[] => {
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

/** Whether some request path matches both patterns. */
export const patternsMeet = (a: Pattern, b: Pattern): boolean => {
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
export const methodsMeet = (a: string, b: string): boolean => {
  const [x, y] = [a.toUpperCase(), b.toUpperCase()]
  const head = (m: string) => (m === 'HEAD' ? 'GET' : m)
  return x === 'ALL' || y === 'ALL' || head(x) === head(y)
}

/**
 * Where a parameter sits when every element before it matches exactly one segment (so its
 * position is fixed), else `undefined`: two routes own a request alike only when their ownership
 * parameters sit at one fixed position in both.
 */
export const fixedPosition = (pattern: Pattern, name: string): number | undefined => {
  for (let i = 0; i < pattern.length; i++) {
    const e = pattern[i] as Element
    if (e.kind === 'one' && e.name === name && !e.empty) return i
    if (e.kind !== 'literal' && e.kind !== 'one') return undefined
  }
  return undefined
}
