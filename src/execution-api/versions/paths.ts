// Airflow spells path parameters `{name}`; these helpers match a concrete path against such a
// pattern and move parameters between path and query when an endpoint moved.

const compiled = new Map<string, RegExp>()

const regexOf = (pattern: string) => {
  let regex = compiled.get(pattern)
  if (!regex) {
    const source = pattern
      .split(/(\{\w+\})/)
      .map((part) =>
        /^\{\w+\}$/.test(part)
          ? `(?<${part.slice(1, -1)}>[^/]+)`
          : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('')
    regex = new RegExp(`^${source}$`)
    compiled.set(pattern, regex)
  }
  return regex
}

/** The path parameters when `path` matches `pattern`, else `undefined`. */
export const matchPath = (pattern: string, path: string): Record<string, string> | undefined => {
  const found = regexOf(pattern).exec(path)
  return found ? { ...found.groups } : undefined
}

/** `pattern` with its parameters filled in; the ones it has no place for are returned apart. */
export const fillPath = (pattern: string, params: Record<string, string>) => {
  const rest = { ...params }
  const path = pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name] ?? ''
    delete rest[name]
    return value
  })
  return { path, rest }
}

/** Hono's spelling (`:name`) of an Airflow path. */
export const honoPath = (pattern: string) => pattern.replace(/\{(\w+)\}/g, ':$1')
