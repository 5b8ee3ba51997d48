import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// The project's TypeScript (7, native), not whatever `tsc` is first on PATH (spawned with cwd = root).
const tsc = 'node_modules/.bin/tsc'

export default defineConfig({
  // Tests import the package by name, as users and the README do.
  resolve: {
    alias: {
      'hono-scoped-jwt/client': new URL('./src/client/index.ts', import.meta.url).pathname,
      'hono-scoped-jwt': new URL('./src/index.ts', import.meta.url).pathname,
    },
  },
  test: {
    projects: [
      {
        // Runtime tests, inside workerd, with the bindings of wrangler.toml.
        extends: true,
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: { TEST_MIGRATIONS: await readD1Migrations('./migrations') },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          setupFiles: ['./test/setup/apply-migrations.ts'],
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
