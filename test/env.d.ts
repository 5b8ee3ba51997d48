// Bindings seen by tests through `env` (from `cloudflare:workers` or `cloudflare:test`).
// Mirrors wrangler.toml; TEST_MIGRATIONS is added by vitest.config.ts for the setup file.
import type { D1Migration } from 'cloudflare:test'

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database
      JWT_AUDIENCE: string
      JWT_LEEWAY: string
      JWT_EXPIRATION_TIME: string
      WORKLOAD_TOKEN_EXPIRATION_TIME: string
      MULTI_TEAM: string
      TEST_MIGRATIONS: D1Migration[]
    }
    interface GlobalProps {
      mainModule: typeof import('../src/execution-api/worker')
    }
  }
}
