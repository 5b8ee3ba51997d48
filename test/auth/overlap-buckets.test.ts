import { jwtAuth, localKeys, routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import { generateSigningJwk } from 'hono-scoped-jwt/mint'
import { describe, expect, it } from 'vitest'

// The overlap check compares only routes that share their method and first two literal segments,
// plus every route that starts otherwise: these tables put the conflicting pair in different
// places of that split, so a bucket that hid a pair would let the table build.

const ok = (c: { json: (v: unknown) => Response }) => c.json({ ok: true })
const auth = jwtAuth({
  profile: taskInstanceProfile,
  algorithms: ['EdDSA'],
  keys: localKeys([await generateSigningJwk()]),
})
const under = (...routes: ReturnType<typeof defineRoute>[]) =>
  routeTable(defineGroup({ path: '/api', routes }), { auth })
const open = (path: string) => defineRoute({ method: 'get', path, public: true, handler: ok })
const guarded = (path: string) => defineRoute({ method: 'get', path, handler: ok })
const conflict = /Routes can match the same request with different policies/

describe('overlaps across buckets', () => {
  it('a literal second segment, then a parameter there: refused', () => {
    expect(() => under(open('/items/:id'), guarded('/:kind/1'))).toThrow(conflict)
  })

  it('a parameter second segment, then a literal there: refused', () => {
    expect(() => under(guarded('/:kind/1'), open('/items/:id'))).toThrow(conflict)
  })

  it('a wildcard after the base, then a deep literal route: refused', () => {
    expect(() => under(open('/items/:id'), open('/users'), guarded('/*'))).toThrow(
      'GET /api/items/:id (public) and GET /api/* (scopes: none)',
    )
  })

  it('different literal second segments, or methods: built', () => {
    const put = defineRoute({ method: 'put', path: '/items/:id', handler: ok })
    expect(() => under(open('/items/:id'), guarded('/users/:id'), put)).not.toThrow()
  })

  it('the same shape in one bucket: refused, naming both', () => {
    expect(() => under(open('/items/:id'), guarded('/items/:key'))).toThrow(
      'Routes match the same requests: GET /api/items/:id and GET /api/items/:key',
    )
  })

  it('a percent-encoded literal is the decoded one: refused', () => {
    expect(() => under(open('/items/a%62'), guarded('/items/ab'))).toThrow(conflict)
  })

  it('paths of different lengths, or a literal against another: built', () => {
    expect(() =>
      under(open('/items/:id'), guarded('/items/:id/:part'), guarded('/items')),
    ).not.toThrow()
    expect(() => under(open('/items/:id/a'), guarded('/items/:id/b'))).not.toThrow()
  })

  it('an optional parameter spans both lengths: refused', () => {
    expect(() => under(open('/items/:id'), guarded('/items/:id/:part?'))).toThrow(conflict)
  })
})
