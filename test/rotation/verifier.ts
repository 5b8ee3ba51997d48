import { Hono } from 'hono'
import { taskInstanceProfile } from '../../src/airflow'
import { currentToken, jwtAuth } from '../../src/index'
import { remoteKeys } from '../../src/remote'

// Another service that trusts the Execution API's tokens through its key set (`remoteKeys`): the
// library alone, with short cache durations so that a rotation fits in seconds.

export interface VerifierSettings {
  jwksUrl: string
  cooldownMs: number
  maxAgeMs: number
}

export const verifierApp = ({ jwksUrl, cooldownMs, maxAgeMs }: VerifierSettings) => {
  const auth = jwtAuth({
    profile: taskInstanceProfile,
    keys: remoteKeys(jwksUrl, { cooldownDuration: cooldownMs, cacheMaxAge: maxAgeMs }),
    algorithms: ['EdDSA', 'ES256', 'RS256', 'PS256'],
    leeway: 1,
  })
  return new Hono().get('/whoami', auth, (c) => c.json({ sub: currentToken(c).sub }))
}
