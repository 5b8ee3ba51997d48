import { Hono } from 'hono'
import { accessTokenProfile, jwtAuth, routeBuilders, routeTable } from 'hono-scoped-jwt'
import { dpop } from 'hono-scoped-jwt/dpop'
import { discoveredKeys } from 'hono-scoped-jwt/remote'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

// The API: DPoP or bearer by default, DPoP only for payments, bearer only for a legacy route.
export const makeDpopApi = (issuer: string, audience: string) => {
  const auth = jwtAuth({
    keys: discoveredKeys(issuer),
    audience,
    algorithms: ['ES256'],
    profile: accessTokenProfile(),
    dpop: dpop({ mode: 'optional' }),
  })
  const { defineGroup, defineRoute } = routeBuilders(auth)
  const api = defineGroup({
    path: '/api',
    routes: [
      defineRoute({
        method: 'get',
        path: '/reports',
        handler: (c) => c.json({ client: c.var.token.sub }),
      }),
      defineRoute({
        method: 'post',
        path: '/payments',
        scopes: ['dpop:required'],
        handler: (c) => c.json({ paidBy: c.var.token.sub }, 201),
      }),
      defineRoute({
        method: 'get',
        path: '/legacy',
        scopes: ['dpop:off'],
        handler: (c) => c.text('bearer only'),
      }),
    ],
  })
  return routeTable(api, { auth }).mount(new Hono())
}

// The client: one key pair for as long as the token lives, a new proof for every request.
export const dpopClient = async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256') // private key not extractable
  const jwk = await exportJWK(publicKey) // sent to the token endpoint in a proof, and in each request
  const base64url = (bytes: ArrayBuffer) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/=+$/, '')
      .replaceAll('+', '-')
      .replaceAll('/', '_')
  const ath = async (token: string) =>
    base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  const fetchWith = async (token: string, url: string, method = 'GET') => {
    const htu = url.split(/[?#]/)[0]
    const proof = await new SignJWT({
      jti: crypto.randomUUID(),
      htm: method,
      htu,
      ath: await ath(token),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey)
    return fetch(url, { method, headers: { authorization: `DPoP ${token}`, dpop: proof } })
  }
  return { jwk, fetch: fetchWith }
}
