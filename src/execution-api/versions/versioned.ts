import type { Json } from './change'
import type { VersionEngine } from './engine'
import { invalidVersionBody, pickVersion } from './pick'

export const apiVersionHeader = 'Airflow-API-Version'

/** Paths outside Cadwyn's versioned routers (under the base): served to every version alike. */
const unversioned = /^\/(?:health|\.well-known\/jwks\.json|openapi\.json|docs(?:\/.*)?)$/

/** Bodies this large are passed through unmigrated: the route's own limit answers them (413). */
const maxMigratedBody = 1024 * 1024

/** A `fetch` handler as Hono's apps and Workers have them. */
export type Fetch<E = unknown, C = unknown> = (
  request: Request,
  env?: E,
  ctx?: C,
) => Response | Promise<Response>

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const withVersion = (res: Response, date: string) => {
  try {
    res.headers.set(apiVersionHeader, date)
    return res
  } catch {
    // A fetched answer's or a redirect's headers are immutable: a copy carries the header.
    const out = new Response(res.body, res)
    out.headers.set(apiVersionHeader, date)
    return out
  }
}

/** The body of a copy of `request` as text, or `undefined` past `maxMigratedBody` bytes. */
const readCapped = async (request: Request) => {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxMigratedBody || !request.body) return undefined
  const reader = request.clone().body?.getReader()
  if (!reader) return undefined
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxMigratedBody) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

const readJson = async (request: Request): Promise<Json | undefined> => {
  const text = await readCapped(request)
  if (text === undefined) return undefined
  try {
    const body: unknown = JSON.parse(text)
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Json) : undefined
  } catch {
    return undefined
  }
}

/**
 * Wraps an app's `fetch` with Airflow's API versioning under `base`: picks the version from the
 * `Airflow-API-Version` header, answers 404 for an endpoint the version lacks, rewrites a moved
 * endpoint to its head path, migrates the request body up and the answer down, and echoes the
 * version served on every answer.
 */
export const versionedFetch = <E, C>(
  versions: { dates: () => readonly string[]; engine: () => VersionEngine },
  base: string,
  inner: Fetch<E, C>,
): Fetch<E, C> =>
  async function versioned(request, env, ctx) {
    const url = new URL(request.url)
    if (!url.pathname.startsWith(`${base}/`)) return inner(request, env, ctx)
    const dates = versions.dates()
    const picked = pickVersion(dates, request.headers.get(apiVersionHeader))
    const newest = dates[0] as string
    if (picked.kind === 'invalid')
      return withVersion(json(invalidVersionBody(apiVersionHeader, picked.input), 422), newest)
    const path = url.pathname.slice(base.length)
    if (unversioned.test(path)) return withVersion(await inner(request, env, ctx), picked.date)
    if (picked.kind === 'too-old')
      return withVersion(json({ detail: 'Not Found' }, 404), picked.date)
    const { date } = picked
    // The newest version is the handlers' own: nothing moved, gone or migrated, so its requests
    // skip the engine (a cold start compiles and runs none of it).
    if (date === newest) return withVersion(await inner(request, env, ctx), date)
    const engine = versions.engine()
    const method = request.method === 'HEAD' ? 'GET' : request.method

    const target = engine.route(date, method, path)
    if (!target) return withVersion(json({ detail: 'Not Found' }, 404), date)
    // A version with no migrations never looks its endpoint's models up (a regex per pattern).
    const older = engine.planOf(date).down.length > 0
    const endpoint = older ? engine.endpointOf(method, target.path) : undefined
    const moved = target.path !== path || Object.keys(target.query).length > 0
    const next = new URL(url)
    next.pathname = base + target.path
    for (const [name, value] of Object.entries(target.query)) next.searchParams.set(name, value)
    if (endpoint?.query) {
      // FastAPI ignores a query parameter the version lacks; only a present one is dropped, so an
      // untouched query is never re-encoded.
      for (const name of engine.unknownQuery(date, endpoint.query)) {
        if (next.searchParams.has(name)) next.searchParams.delete(name)
      }
    }

    let body: string | undefined
    if (older && endpoint?.request && request.body) {
      const parsed = await readJson(request)
      if (parsed) {
        const model =
          typeof endpoint.request === 'string' ? endpoint.request : endpoint.request(parsed)
        const { issues, changed } = engine.requestUp(date, model, parsed)
        if (issues.length) return withVersion(json({ detail: issues }, 422), date)
        // Unchanged bodies go on as sent: no re-encoding (large integers keep their digits).
        if (changed) body = JSON.stringify(parsed)
      }
    }
    let forwarded = request
    if (body !== undefined || moved || next.search !== url.search) {
      const headers = new Headers(request.headers)
      headers.delete('content-length')
      const content = body ?? (request.body ? await request.arrayBuffer() : undefined)
      forwarded = new Request(next, { method: request.method, headers, body: content })
    }

    const res = await inner(forwarded, env, ctx)
    const isJson = res.headers.get('content-type')?.startsWith('application/json')
    const migrate = older && endpoint?.response && method === request.method
    if (!migrate || res.status >= 300 || !isJson) return withVersion(res, date)
    // Cadwyn migrates successful answers only (migrate_http_errors=False).
    const migrated = engine.answerDown(date, endpoint.response as string, await res.json())
    const headers = new Headers(res.headers)
    headers.delete('content-length')
    headers.set(apiVersionHeader, date)
    return new Response(JSON.stringify(migrated), { status: res.status, headers })
  }
