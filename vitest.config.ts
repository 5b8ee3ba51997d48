import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { loadVectors } from './test/security/vectors.mjs'
import { isolatedWranglerConfig } from './test/setup/wrangler-config.mjs'

// The project's TypeScript (7, native), not whatever `tsc` is first on PATH (spawned with cwd = root).
const tsc = 'node_modules/.bin/tsc'
// Vite aliases need absolute paths. Written out as `import.meta.url`: Vite rewrites that exact text
// when it bundles this config, so that it still names this file.
const here = (path: string) => new URL(path, import.meta.url).pathname

export default defineConfig({
  // Tests import the package by name, as users and the README do: each entry point (package.json
  // `exports`) is its source file. Exact matches, so that the root does not swallow its subpaths.
  resolve: {
    alias: [
      ['hono-scoped-jwt/mint', './src/mint.ts'],
      ['hono-scoped-jwt/airflow', './src/airflow.ts'],
      ['hono-scoped-jwt/openapi', './src/openapi.ts'],
      ['hono-scoped-jwt/zod', './src/zod.ts'],
      ['hono-scoped-jwt/remote', './src/remote.ts'],
      ['hono-scoped-jwt/dpop', './src/dpop.ts'],
      ['hono-scoped-jwt/issuers', './src/issuers.ts'],
      ['hono-scoped-jwt/client', './src/client/index.ts'],
      ['hono-scoped-jwt', './src/index.ts'],
    ].map(([name, file]) => ({ find: new RegExp(`^${name}$`), replacement: here(file as string) })),
  },
  test: {
    projects: [
      {
        // Runtime tests, inside workerd, with the bindings of wrangler.toml and nothing from a
        // developer's .dev.vars or .env (see test/setup/wrangler-config.mjs).
        extends: true,
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: isolatedWranglerConfig(here('.')) },
            miniflare: {
              bindings: { TEST_MIGRATIONS: await readD1Migrations('./migrations') },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          setupFiles: ['./test/setup/apply-migrations.ts'],
          // Public vectors from test/vectors/, read here because workerd cannot read host files.
          provide: { sharedVectors: loadVectors() },
        },
      },
      {
        // Type tests (*.test-d.ts), checked by tsc; nothing is executed.
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            checker: tsc,
            include: ['test/**/*.test-d.ts'],
            tsconfig: './test/tsconfig.json',
          },
        },
      },
    ],
  },
})
