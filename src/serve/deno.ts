import { DatabaseSync } from 'node:sqlite'
import { listeningLine, openExecutionApi } from './execution-api'

// The Execution API on Deno: `Deno.serve`, SQLite through Deno's `node:sqlite`.
// `npm run serve:deno`; settings in README "Runtimes".

/** The part of Deno's global this entry uses (Deno's own types are not installed). */
declare const Deno: {
  env: { get(name: string): string | undefined }
  exit(code: number): never
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  serve(
    options: { hostname: string; port: number; onListen?: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
}

let api: ReturnType<typeof openExecutionApi>
try {
  api = openExecutionApi(
    (name) => Deno.env.get(name),
    (path) => new DatabaseSync(path),
  )
} catch (error) {
  console.error(`execution-api: refusing to start: ${(error as Error).message}`)
  Deno.exit(1)
}

const server = Deno.serve(
  {
    hostname: api.settings.hostname,
    port: api.settings.port,
    onListen: ({ port }) => console.log(listeningLine('deno', port)),
  },
  api.fetch,
)

const stop = async () => {
  await server.shutdown()
  api.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
