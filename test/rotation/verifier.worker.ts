import { verifierApp } from './verifier'

// The verifying service as a Worker (workerd): settings from its vars, the app built once.

interface VerifierEnv {
  JWKS_URL: string
  COOLDOWN_MS: string
  MAX_AGE_MS: string
}

let app: ReturnType<typeof verifierApp> | undefined

export default {
  fetch(request: Request, env: VerifierEnv) {
    app ??= verifierApp({
      jwksUrl: env.JWKS_URL,
      cooldownMs: Number(env.COOLDOWN_MS),
      maxAgeMs: Number(env.MAX_AGE_MS),
    })
    return app.fetch(request)
  },
}
