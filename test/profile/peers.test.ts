// Tokens minted by other libraries verify under the access profile: hono/jwt's sign, jsonwebtoken
// and fast-jwt, signed inside workerd (nodejs_compat) with keys generated at test time.
import { createSigner } from 'fast-jwt'
import { Hono } from 'hono'
import { sign as honoSign } from 'hono/jwt'
import {
  accessTokenProfile,
  defineGroup,
  jwtAuth,
  localKeys,
  routeBuilders,
  routeTable,
} from 'hono-scoped-jwt'
import jsonwebtoken from 'jsonwebtoken'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const now = () => Math.floor(Date.now() / 1000)

const pem = async (key: CryptoKey) => {
  const der = new Uint8Array((await crypto.subtle.exportKey('pkcs8', key)) as ArrayBuffer)
  const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, '$1\n')
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`
}

/** A key pair whose private half is PEM (for jsonwebtoken, fast-jwt) and public half a JWK. */
const pairFor = async (params: Parameters<typeof crypto.subtle.generateKey>[0], alg: string) => {
  const { privateKey, publicKey } = (await crypto.subtle.generateKey(params, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const kid = crypto.randomUUID()
  const jwk = {
    ...((await crypto.subtle.exportKey('jwk', publicKey)) as JsonWebKey),
    alg,
    kid,
  }
  delete (jwk as { key_ops?: unknown }).key_ops
  return { pem: await pem(privateKey), jwk, kid }
}

const rsaPair = () =>
  pairFor(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    'RS256',
  )

const ecPair = () => pairFor({ name: 'ECDSA', namedCurve: 'P-256' }, 'ES256')

const whoami = (auth: ReturnType<typeof jwtAuth<ReturnType<typeof accessTokenProfile>>>) =>
  new Hono().get('/me', auth, (c) => c.json({ sub: c.var.token.sub }))

describe('tokens from other libraries', () => {
  it("hono/jwt's sign (HS256, {sub, exp})", async () => {
    const secret = 'a-hono-jwt-secret-of-at-least-32-bytes!!'
    const token = await honoSign({ sub: 'alice', exp: now() + 60 }, secret, 'HS256')
    const auth = jwtAuth({
      secret,
      algorithms: ['HS256'],
      audience: false,
      profile: accessTokenProfile(),
    })
    const res = await whoami(auth).request('/me', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'alice' })
  })

  it('jsonwebtoken (RS256 with kid, an Auth0-shaped access token)', async () => {
    const key = await rsaPair()
    const token = jsonwebtoken.sign(
      {
        sub: 'auth0|6543',
        azp: 'client-id',
        scope: 'openid profile tasks:read',
        aud: ['https://api.example.com', 'https://tenant.auth0.com/userinfo'],
      },
      key.pem,
      {
        algorithm: 'RS256',
        keyid: key.kid,
        issuer: 'https://tenant.auth0.com/',
        expiresIn: 60,
      },
    )
    const auth = jwtAuth({
      keys: localKeys([key.jwk]),
      algorithms: ['RS256'],
      audience: 'https://api.example.com',
      issuer: 'https://tenant.auth0.com/',
      profile: accessTokenProfile(),
    })
    const res = await whoami(auth).request('/me', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'auth0|6543' })
  })

  it('fast-jwt (ES256, an Okta-shaped token with scp)', async () => {
    const key = await ecPair()
    const signer = createSigner({ key: key.pem, algorithm: 'ES256', kid: key.kid })
    const token = signer({
      ver: 1,
      jti: 'AT.x',
      iss: 'https://dev-1.okta.com/oauth2/default',
      aud: 'api://default',
      cid: 'client',
      uid: '00u1',
      scp: ['tasks:read', 'tasks:write'],
      sub: 'alice@example.com',
      exp: now() + 60,
    })
    const auth = jwtAuth({
      keys: localKeys([key.jwk]),
      algorithms: ['ES256'],
      audience: 'api://default',
      profile: accessTokenProfile(),
    })
    const res = await whoami(auth).request('/me', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'alice@example.com' })
  })
})

describe('Cloudflare Access-shaped tokens', () => {
  it('verify with the typed claims of a schema, and have no scopes to grant', async () => {
    const key = await rsaPair()
    const tag = 'a3f5c8e4d1b2a3f5c8e4d1b2a3f5c8e4d1b2a3f5c8e4d1b2a3f5c8e4d1b2a3f5'
    const iss = 'https://team.cloudflareaccess.com'
    const token = jsonwebtoken.sign(
      {
        aud: [tag],
        email: 'alice@example.com',
        type: 'app',
        identity_nonce: 'n0nce',
        sub: '7335d417-61da-459d-899c-0a01c76a2f94',
        country: 'NL',
        nbf: now(),
      },
      key.pem,
      { algorithm: 'RS256', keyid: key.kid, issuer: iss, expiresIn: 60 },
    )
    const profile = accessTokenProfile({
      claims: z.object({ email: z.email(), type: z.literal('app') }),
    })
    const auth = jwtAuth({
      keys: localKeys([key.jwk]),
      algorithms: ['RS256'],
      audience: tag,
      issuer: iss,
      profile,
    })
    const { defineRoute } = routeBuilders(auth)
    const me = defineRoute({
      method: 'get',
      path: '/me',
      handler: (c) => c.json({ email: c.var.token.email }),
    })
    const admin = defineRoute({
      method: 'get',
      path: '/admin',
      scopes: ['admin'],
      handler: (c) => c.json({}),
    })
    const app = routeTable(defineGroup({ path: '/', routes: [me, admin] }), { auth }).mount(
      new Hono(),
    )
    const headers = { 'cf-access-jwt-assertion': token }
    const viaHeader = jwtAuth({
      keys: localKeys([key.jwk]),
      algorithms: ['RS256'],
      audience: tag,
      profile,
      cookie: 'CF_Authorization',
    })
    const cookieApp = new Hono().get('/me', viaHeader, (c) => c.json({ email: c.var.token.email }))
    const res = await app.request('/me', { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ email: 'alice@example.com' })
    expect(
      (await app.request('/admin', { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(403)
    const fromCookie = await cookieApp.request('/me', {
      headers: { ...headers, cookie: `CF_Authorization=${token}` },
    })
    expect(fromCookie.status).toBe(200)
  })
})
