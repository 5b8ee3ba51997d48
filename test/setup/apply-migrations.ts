// Runs in workerd before each test file. applyD1Migrations records what it applied in the
// `d1_migrations` table, so running it once per file is safe.
import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
