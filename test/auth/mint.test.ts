// The issuer never mints what its own verifier would refuse: a `sub` that is not a UUID under the
// task instance claims is a TypeError naming the claim and the rule, and no token exists.
import { describe, expect, it } from 'vitest'
import { bearer, countingAuth, makeKeys, mountApp, seedTable, tiId } from './helpers'

const keys = await makeKeys()
const { auth } = countingAuth(keys)
const app = mountApp(seedTable(), { auth, issuer: keys.issuer })

describe('issuer.mint', () => {
  it('refuses a sub that is not a UUID, naming the rule', async () => {
    for (const sub of ['alice', '', '0192a3b4-c5d6-7e8f-9a0b', `${tiId} `]) {
      const minting = keys.issuer.mint({ sub })
      await expect(minting, JSON.stringify(sub)).rejects.toThrow(TypeError)
      await expect(keys.issuer.mint({ sub })).rejects.toThrow(/Refusing to mint.*"sub"/)
    }
    await expect(keys.issuer.mint({ sub: 'alice' })).rejects.toThrow(/UUID/)
  })

  it('refuses a token type the verifier does not know', async () => {
    await expect(keys.issuer.mint({ sub: tiId, scope: 'admin' as never })).rejects.toThrow(
      TypeError,
    )
  })

  it('what it mints, the same library verifies', async () => {
    const token = await keys.issuer.mint({ sub: tiId })
    const res = await app.request(`/execution/task-instances/${tiId}/heartbeat`, {
      method: 'PUT',
      ...bearer(token),
    })
    expect(res.status).toBe(200)
  })
})
