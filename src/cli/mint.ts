// Tokens for the local commands, minted exactly as the Worker mints them: its own reading of the
// bindings (`loadConfig`) and the library's issuer. Bundled on demand by common.mjs.

import type { TokenType } from '../airflow'
import { type ExecutionBindings, loadConfig } from '../execution-api/config'
import { createIssuer } from '../mint'

export interface MintRequest {
  sub: string
  scope?: TokenType
  /** Lifetime in seconds; default: the configured lifetime of the token type. */
  ttl?: number
}

/** Signs one token with the development key of `vars` (the Worker's bindings, as text). */
export const mint = (vars: Record<string, string>, { sub, scope, ttl }: MintRequest) => {
  const config = loadConfig(vars as unknown as ExecutionBindings)
  if (!config.issuer) {
    throw new Error('no JWT_PRIVATE_JWK or JWT_SECRET in the vars file: run `npm run dev` first')
  }
  return createIssuer(config.issuer).mint({ sub, scope, expiresIn: ttl })
}
