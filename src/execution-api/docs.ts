import { swaggerUI } from '@hono/swagger-ui'
import type { Hono } from 'hono'
import type { AppEnv } from './routes/builders'

// The interactive API page, as FastAPI's `/docs`: Swagger UI from `@hono/swagger-ui`, with its
// script and style served from the installed `swagger-ui-dist` package through the `ASSETS`
// binding (Workers static assets; a file reader on Node, Bun and Deno), never from a CDN.

/** The files of `swagger-ui-dist` the page loads; nothing else of the package is served. */
const files: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

/** Mounts `GET {base}/docs` and its two assets. */
export const mountDocs = (app: Hono<AppEnv>, base: string) => {
  app.get(
    `${base}/docs`,
    swaggerUI({
      url: `${base}/openapi.json`,
      // @hono/swagger-ui loads `${baseUrl}/swagger-ui-dist/<file>`: the route below.
      baseUrl: `${base}/docs`,
      title: 'Airflow Execution API (hono-scoped-jwt)',
      // Swagger UI would send the document to validator.swagger.io otherwise.
      validatorUrl: 'none',
    }),
  )
  app.get(`${base}/docs/swagger-ui-dist/:file`, async (c) => {
    const file = c.req.param('file')
    const type = files[file]
    if (!type || !c.env.ASSETS) return c.json({ detail: 'Not Found' }, 404)
    const asset = await c.env.ASSETS.fetch(new Request(`http://assets.local/${file}`))
    if (!asset.ok) return c.json({ detail: 'Not Found' }, 404)
    return new Response(asset.body, {
      headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' },
    })
  })
}
