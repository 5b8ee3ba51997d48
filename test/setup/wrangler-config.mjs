// The Worker the workers pool runs, as wrangler.toml describes it, and nothing else. Wrangler loads
// `.dev.vars` (or `.env`) from the folder of the config it is given: the one `npm run dev` writes
// beside wrangler.toml would reach the tests ("Using secrets defined in .dev.vars") and change what
// they see. So the pool gets a copy of wrangler.toml (its paths made absolute: main, assets, D1
// migrations) in a temporary folder that holds nothing else, and `.env` files are not read at all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { experimental_readRawConfig } from 'wrangler'

/** Writes the copy and returns its path; the folder is removed when the process exits. */
export const isolatedWranglerConfig = (root) => {
  process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV = 'false'
  const { rawConfig } = experimental_readRawConfig({ config: join(root, 'wrangler.toml') })
  const config = {
    ...rawConfig,
    main: rawConfig.main && resolve(root, rawConfig.main),
    ...(rawConfig.assets?.directory
      ? { assets: { ...rawConfig.assets, directory: resolve(root, rawConfig.assets.directory) } }
      : {}),
    d1_databases: rawConfig.d1_databases?.map((db) => ({
      ...db,
      ...(db.migrations_dir ? { migrations_dir: resolve(root, db.migrations_dir) } : {}),
    })),
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsj-workers-pool-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'wrangler.json')
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`)
  return path
}
