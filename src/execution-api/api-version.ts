import type { OpenApiDocument } from '../openapi'
import { createEngine, newestFirst } from './versions/engine'
import { airflowVersions } from './versions/index'
import { documentVersionHeader, versionDocument } from './versions/openapi'
import { pickVersion } from './versions/pick'
import { apiVersionHeader, versionedFetch } from './versions/versioned'

// Airflow versions its Execution API with Cadwyn, by date, in the `Airflow-API-Version` header
// (airflow-core/src/airflow/api_fastapi/execution_api/app.py and versions/__init__.py). This
// Worker serves every version of Airflow's bundle (versions/): handlers speak the newest shapes
// and versions/engine.ts migrates requests up and answers down, as Cadwyn does.

export { apiVersionHeader }

/** The bundle's engine, built once per isolate (it is plain data, the same for every app). */
let built: ReturnType<typeof createEngine> | undefined
export const versionEngine = () => {
  built ??= createEngine(airflowVersions)
  return built
}

/** Every version served, newest first: all a request of the newest version needs. */
let dates: readonly string[] | undefined
export const apiVersionDates = () => {
  dates ??= newestFirst(airflowVersions).map((v) => v.date)
  return dates
}

/** The newest version: what a request without the header is served as. */
export const newestApiVersion = () => apiVersionDates()[0] as string

/** Wraps an app's `fetch` (and so `app.request`) with the versioning, under `base`. */
export const withVersioning = <
  A extends { fetch: (request: Request, ...rest: never[]) => Response | Promise<Response> },
>(
  app: A,
  base: string,
): A => {
  const inner = app.fetch as unknown as Parameters<typeof versionedFetch>[2]
  // The engine is built on the first request of an older version: the newest needs only dates.
  const versions = { dates: apiVersionDates, engine: versionEngine }
  app.fetch = versionedFetch(versions, base, inner) as unknown as A['fetch']
  return app
}

/** The OpenAPI document of each version, made from the head one on first request and kept. */
export const versionedDocuments = (head: () => OpenApiDocument, base: string) => {
  const cache = new Map<string, OpenApiDocument>()
  return (asked: string | null | undefined) => {
    const engine = versionEngine()
    const picked = pickVersion(engine.dates, asked)
    if (picked.kind !== 'version') return picked
    let doc = cache.get(picked.date)
    if (!doc) {
      doc = documentVersionHeader(versionDocument(engine, head(), picked.date, base), engine.dates)
      cache.set(picked.date, doc)
    }
    return { kind: 'document' as const, date: picked.date, doc }
  }
}
