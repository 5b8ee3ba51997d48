// DPoP modes are scopes, typed like the built-in ones: a misspelt mode does not compile.
import { describe, test } from 'vitest'
import { accessTokenProfile, defineRoute, routeBuilders } from '../../src/index'

const profile = accessTokenProfile()
const access = routeBuilders<{ Bindings: object }, typeof profile>()

describe('dpop: scopes', () => {
  test('the three modes compile under both profiles', () => {
    for (const scope of ['dpop:required', 'dpop:optional', 'dpop:off'] as const) {
      defineRoute({ method: 'get', path: '/a', scopes: [scope], handler: (c) => c.text('x') })
      access.defineRoute({
        method: 'get',
        path: '/a',
        scopes: [scope],
        handler: (c) => c.text('x'),
      })
    }
    access.defineGroup({ path: '/g', scopes: ['dpop:required', 'read'], routes: [] })
  })

  test('a misspelt mode does not', () => {
    defineRoute({
      method: 'get',
      path: '/a',
      // @ts-expect-error DPoP mode misspelt
      scopes: ['dpop:requird'],
      handler: (c) => c.text('x'),
    })
    access.defineGroup({
      path: '/g',
      // @ts-expect-error not a DPoP mode, under a profile whose tokens grant scopes too
      scopes: ['dpop:bearer'],
      routes: [],
    })
  })
})
