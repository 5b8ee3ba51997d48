import { Database } from 'bun:sqlite'
import { listeningLine, openExecutionApi } from './execution-api'

// The Execution API on Bun: `Bun.serve`, SQLite through `bun:sqlite`.
// `npm run serve:bun`; settings in README "Runtimes".

/** The part of Bun's global this entry uses (Bun's own types are not installed). */
declare const Bun: {
  env: Record<string, string | undefined>
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request) => Response | Promise<Response>
  }): { port: number; stop(force?: boolean): void }
}

let api: ReturnType<typeof openExecutionApi>
try {
  api = openExecutionApi(
    (name) => Bun.env[name],
    (path) => new Database(path, { create: true }),
  )
} catch (error) {
  console.error(`execution-api: refusing to start: ${(error as Error).message}`)
  process.exit(1)
}

const server = Bun.serve({
  hostname: api.settings.hostname,
  port: api.settings.port,
  fetch: api.fetch,
})
console.log(listeningLine('bun', server.port))

const stop = () => {
  server.stop(true)
  api.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
