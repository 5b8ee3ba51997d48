import { DatabaseSync } from 'node:sqlite'
import { serve } from '@hono/node-server'
import { listeningLine, openExecutionApi } from './execution-api'

// The Execution API on Node 22: `@hono/node-server`, SQLite through `node:sqlite`.
// `npm run serve:node`; settings in README "Runtimes".

let api: ReturnType<typeof openExecutionApi>
try {
  api = openExecutionApi(
    (name) => process.env[name],
    (path) => new DatabaseSync(path),
  )
} catch (error) {
  console.error(`execution-api: refusing to start: ${(error as Error).message}`)
  process.exit(1)
}

const server = serve(
  { fetch: api.fetch, hostname: api.settings.hostname, port: api.settings.port },
  (info) => console.log(listeningLine('node', info.port)),
)

const stop = () => {
  server.close()
  api.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
