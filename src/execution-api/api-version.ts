import type { MiddlewareHandler } from 'hono'

// Airflow versions its Execution API with Cadwyn, by date, in the `Airflow-API-Version` header
// (airflow-core/src/airflow/api_fastapi/execution_api/app.py and versions/__init__.py). This Worker
// implements one version, the one of the Task SDK models it follows: `API_VERSION` in
// task-sdk/src/airflow/sdk/api/datamodels/_generated.py at apache/airflow@014c5f048a12.

/** The Execution API version this Worker implements. */
export const apiVersion = '2026-06-30'

export const apiVersionHeader = 'Airflow-API-Version'

const isoDate = /^\d{4}-\d{2}-\d{2}$/

const validDate = (text: string) =>
  isoDate.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)

/**
 * Picks the version as Cadwyn's `VersionPickingMiddleware` does, for a bundle of one version: no
 * header means the latest; a later date falls back to the closest version not newer than it (this
 * one); a date before every version matches no route (Cadwyn answers 404). Every answer names the
 * version that served it. A value that is not a date is a 422 on the header, as FastAPI writes it.
 */
export const apiVersioning = (): MiddlewareHandler =>
  async function airflowApiVersion(c, next) {
    const asked = c.req.header(apiVersionHeader)?.trim()
    if (asked !== undefined && !validDate(asked)) {
      const loc = ['header', apiVersionHeader.toLowerCase()]
      const msg = 'Input should be a valid date in the format YYYY-MM-DD'
      c.res = c.json({ detail: [{ loc, msg, type: 'date_from_datetime_parsing' }] }, 422)
    } else if (asked !== undefined && asked < apiVersion) {
      const detail = `Airflow-API-Version ${asked} is older than ${apiVersion}, the only version this server implements`
      c.res = c.json({ detail }, 404)
    } else {
      await next()
    }
    c.res.headers.set(apiVersionHeader, apiVersion)
  }
