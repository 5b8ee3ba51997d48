// Keys and apps for the library's tests: keys are generated at test time, never checked in.

import { Hono } from 'hono'
import {
  type Algorithm,
  type JwtAuth,
  jwtAuth,
  type RouteNode,
  type RouteTableOptions,
  routeTable,
  type VerifyOptions,
} from 'hono-scoped-jwt'
import {
  defineGroup,
  defineRoute,
  type TaskInstanceProfile,
  taskInstanceProfile,
} from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk, type Issuer } from 'hono-scoped-jwt/mint'
import { importJWK, type JWK, SignJWT } from 'jose'

export const audience = 'urn:airflow.apache.org:task'
export const tiId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b'
export const otherTiId = '0192a3b4-c5d6-7e8f-9a0b-000000000000'
export const now = () => Math.floor(Date.now() / 1000)

export interface TestKeys {
  jwk: JWK
  alg: Algorithm
  issuer: Issuer<TaskInstanceProfile>
  /** Signs arbitrary claims and header with the test key: for tokens the issuer would never mint. */
  sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>
}

export const makeKeys = async (
  alg: Exclude<Algorithm, `HS${string}`> = 'EdDSA',
): Promise<TestKeys> => {
  const jwk = await generateSigningJwk(alg)
  const privateKey = await importJWK(jwk, alg)
  const issuer = createIssuer({ profile: taskInstanceProfile, privateJwk: jwk })
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid, ...header }).sign(privateKey)
  return { jwk, alg, issuer, sign }
}

/** Claims of a valid execution token for `sub`, `age` seconds old, living `lifetime` seconds. */
export const claims = (overrides: Record<string, unknown> = {}, age = 0, lifetime = 600) => {
  const iat = now() - age
  return { sub: tiId, aud: audience, iat, nbf: iat, exp: iat + lifetime, ...overrides }
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

/** An auth middleware on the test key that counts how many times a key was looked up. */
export const countingAuth = (
  keys: TestKeys,
  options: Partial<VerifyOptions<TaskInstanceProfile>> = {},
) => {
  const key = importJWK({ ...keys.jwk, d: undefined }, keys.alg)
  const counter = { verifications: 0 }
  const auth: JwtAuth<TaskInstanceProfile> = jwtAuth({
    profile: taskInstanceProfile,
    algorithms: [keys.alg],
    getKey: async () => {
      counter.verifications++
      return key as Promise<CryptoKey>
    },
    ...options,
  })
  return { auth, counter }
}

const ok = (c: { json: (v: unknown) => Response }) => c.json({ ok: true })

/** The seed's small app: defaults, a relaxed child, ti:self routes, a public route. */
export const seedTable = () =>
  defineGroup({
    path: '/execution',
    routes: [
      defineRoute({ method: 'get', path: '/health', public: true, handler: ok }),
      defineRoute({ method: 'get', path: '/default', handler: ok }),
      defineGroup({
        path: '/task-instances/:task_instance_id',
        scopes: ['ti:self'],
        routes: [
          defineRoute({
            method: 'patch',
            path: '/run',
            scopes: ['token:execution', 'token:workload'],
            exchange: true,
            handler: ok,
          }),
          defineRoute({
            method: 'put',
            path: '/heartbeat',
            scopes: ['ti:self', 'token:execution'],
            handler: ok,
          }),
        ],
      }),
      defineRoute({ method: 'get', path: '/other/:task_instance_id', handler: ok }),
    ],
  })

export const mountApp = <N extends RouteNode>(
  table: N,
  options: RouteTableOptions<TaskInstanceProfile>,
) => routeTable(table, options as RouteTableOptions & never).mount(new Hono())
