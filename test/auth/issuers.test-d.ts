// Several issuers, typed: c.var.issuer is the union of the configured names, iss: scopes name them.
import { Hono } from 'hono'
import { dpop } from 'hono-scoped-jwt/dpop'
import { type TrustedIssuers, trustedIssuers } from 'hono-scoped-jwt/issuers'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'
import { describe, expectTypeOf, test } from 'vitest'
import {
  accessTokenProfile,
  currentIssuer,
  jwtAuth,
  routeBuilders,
  routeTable,
} from '../../src/index'

const profile = accessTokenProfile()
const auth = jwtAuth({
  algorithms: ['RS256'],
  profile,
  issuers: trustedIssuers({
    corp: { keys: discoveredKeys('https://corp.example/'), audience: 'api' },
    partners: {
      issuer: 'https://partners.example/',
      keys: remoteKeys('https://partners.example/jwks'),
    },
  }),
})
const single = jwtAuth({
  algorithms: ['RS256'],
  profile,
  keys: discoveredKeys('https://corp.example/'),
})

describe('several issuers', () => {
  test('c.var.issuer and currentIssuer are the configured names', () => {
    new Hono().get('/', auth, (c) => {
      expectTypeOf(c.var.issuer).toEqualTypeOf<'corp' | 'partners'>()
      expectTypeOf(currentIssuer(c)).toEqualTypeOf<'corp' | 'partners'>()
      expectTypeOf(c.var.token.sub).toEqualTypeOf<string>()
      return c.text('x')
    })
    const { defineRoute } = routeBuilders(auth)
    defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['iss:corp'],
      handler: (c) => {
        expectTypeOf(c.var.issuer).toEqualTypeOf<'corp' | 'partners'>()
        return c.text(c.var.issuer)
      },
    })
  })

  test('trustedIssuers keeps the names, beside other features', () => {
    const issuers = trustedIssuers({
      corp: { issuer: 'https://corp.example/', secret: 'x'.repeat(64) },
      partners: { keys: discoveredKeys('https://partners.example/') },
    })
    expectTypeOf(issuers).toEqualTypeOf<TrustedIssuers<'corp' | 'partners'>>()
    const withDpop = jwtAuth({ algorithms: ['HS512'], profile, issuers, dpop: dpop() })
    new Hono().get('/', withDpop, (c) => {
      expectTypeOf(c.var.issuer).toEqualTypeOf<'corp' | 'partners'>()
      return c.text(c.var.issuer)
    })
    // @ts-expect-error misspelt issuer, with the issuers given as a variable
    routeBuilders(withDpop).defineGroup({ path: '/g', scopes: ['iss:crop'], routes: [] })
  })

  test('an iss: scope naming no configured issuer is a compile error', () => {
    const { defineRoute, defineGroup } = routeBuilders(auth)
    // @ts-expect-error misspelt issuer
    defineRoute({ method: 'get', path: '/x', scopes: ['iss:crop'], handler: (c) => c.text('x') })
    // @ts-expect-error misspelt issuer on a group
    defineGroup({ path: '/g', scopes: ['iss:partner'], routes: [] })
    const ok = defineGroup({ path: '/g', scopes: ['iss:partners', 'tasks:read'], routes: [] })
    routeTable(ok, { auth })
  })

  test('one issuer: no c.var.issuer, and iss: is an ordinary scope', () => {
    new Hono().get('/', single, (c) => {
      expectTypeOf(c.var).not.toHaveProperty('issuer')
      return c.text('x')
    })
    const { defineRoute } = routeBuilders(single)
    defineRoute({
      method: 'get',
      path: '/x',
      scopes: ['iss:anything'],
      handler: (c) => c.text('x'),
    })
  })
})
