// npm run dev [-- --port N] [--persist-to DIR] [--vars FILE]
// Applies the D1 migrations locally, writes a development key to .dev.vars when there is none, then
// serves the Worker with `wrangler dev` on 127.0.0.1:8787.
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { exportJWK, generateKeyPair } from 'jose'
import { args, localD1, main, migrate, readVars, root, wrangler } from './common.mjs'

/** The vars file must never be committed: refuse to write a key into one git would track. */
const assertIgnored = (file) => {
  const path = relative(root, file)
  if (path.startsWith('..')) return
  const check = spawnSync('git', ['check-ignore', '-q', path], { cwd: root })
  if (check.status === 1) throw new Error(`${path} is not git-ignored: add it to .gitignore first`)
}

const ensureKey = async (file) => {
  const vars = readVars(file)
  if (vars.JWT_PRIVATE_JWK || vars.JWT_SECRET) return
  assertIgnored(file)
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', kid: `dev-${crypto.randomUUID()}` }
  const lead = existsSync(file) ? '\n' : '# Local development only: never commit this file.\n'
  appendFileSync(file, `${lead}JWT_PRIVATE_JWK='${JSON.stringify(jwk)}'\n`, { mode: 0o600 })
  process.stderr.write(`wrote a development Ed25519 key to ${relative(root, file)}\n`)
}

main(async () => {
  const options = args(
    { port: { type: 'string', default: '8787' } },
    `
Usage: npm run dev [-- --port N] [--persist-to DIR] [--vars FILE]
Applies the D1 migrations locally, writes a development key to the vars file when it has none,
then serves the Execution API Worker with \`wrangler dev\` on 127.0.0.1.
  --port N           the port (default: 8787)`,
  )
  if (!existsSync(dirname(options.vars))) throw new Error(`no such directory: ${options.vars}`)
  await ensureKey(options.vars)
  await migrate(options.persistTo)
  const envFile = relative(root, options.vars) === '.dev.vars' ? [] : ['--env-file', options.vars]
  // Ends when wrangler does; Ctrl-C reaches both through the terminal's process group.
  const persist = localD1(options.persistTo).slice(1)
  await wrangler(['dev', '--ip', '127.0.0.1', '--port', options.port, ...persist, ...envFile], {
    prompts: true,
  })
})
