// The DPoP scenario: the same route, key and token algorithm as "ours, single", the token bound to
// a client key (`cnf.jkt`) and sent as `Authorization: DPoP` with a proof. Its ratio to "ours,
// single" is the per-request cost of DPoP over a bearer token. The proof key is of the token's
// algorithm (ES256 for an HS256 token: proofs are asymmetric).
import { Hono } from 'hono'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { defineRoute, type TaskInstanceProfile } from '../src/airflow'
import { dpop, MemoryReplayStore } from '../src/dpop'
import { type JwtAuthOptions, jwtAuth, routeTable, type VerifyOptions } from '../src/index'

/** What the DPoP scenario shares with the others: route, handler, verifier options, minting. */
export interface DpopBench {
  alg: string
  route: `${string}/:task_instance_id/${string}`
  url: string
  ok: (c: { text: (s: string) => Response }) => Response
  options: () => VerifyOptions<TaskInstanceProfile>
  mint: (claims: Record<string, unknown>) => Promise<string>
}

const b64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

/** A request with a DPoP-bound token and its proof; `tampered` has the proof's signature changed. */
export const dpopScenario = async (bench: DpopBench) => {
  const proofAlg = bench.alg === 'HS256' ? 'ES256' : (bench.alg as 'ES256' | 'EdDSA' | 'RS256')
  const { privateKey, publicKey } = await generateKeyPair(proofAlg, { extractable: true })
  const jwk = await exportJWK(publicKey)
  const token = await bench.mint({ cnf: { jkt: await calculateJwkThumbprint(jwk) } })
  const ath = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  const proof = await new SignJWT({ jti: crypto.randomUUID(), htm: 'PATCH', htu: bench.url, ath })
    .setProtectedHeader({ alg: proofAlg, typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(privateKey)
  const at = proof.lastIndexOf('.') + 1
  const tamperedProof = `${proof.slice(0, at)}${proof[at] === 'A' ? 'B' : 'A'}${proof.slice(at + 1)}`
  // One proof serves every iteration: the store is asked with a new id each time (a real store's
  // work: a Map insert, and an eviction once full) instead of refusing the replay.
  const memory = new MemoryReplayStore()
  let n = 0
  const replayStore = {
    firstUse: (id: string, until: number) => memory.firstUse(`${id}${n++}`, until),
  }
  const options: JwtAuthOptions<TaskInstanceProfile> = {
    ...bench.options(),
    dpop: dpop({ algorithms: [proofAlg], maxAge: 86_400, replayStore }),
  }
  const app = routeTable(
    defineRoute({
      method: 'patch',
      path: bench.route,
      scopes: ['token:execution', 'ti:self'],
      handler: bench.ok,
    }),
    { auth: jwtAuth(options) },
  ).mount(new Hono())
  const send = (p: string) => () =>
    app.fetch(
      new Request(bench.url, {
        method: 'PATCH',
        headers: { authorization: `DPoP ${token}`, dpop: p },
      }),
    )
  return { run: send(proof), tampered: send(tamperedProof) }
}
