import assert from 'node:assert/strict'
import { test } from './harness.ts'
import { call, expectStatus } from './http.ts'

// Contract §6: the resources (connections, variables, XComs) and the public routes.

test('§6 GET /health: 200 healthy', async ({ baseUrl }) => {
  const answer = await call(baseUrl, 'GET', '/health')
  expectStatus(answer, 200)
  assert.deepEqual(answer.json, { status: 'healthy' })
})

test('§5 GET /.well-known/jwks.json: the public half of the signing key', async (ctx) => {
  const answer = await call(ctx.baseUrl, 'GET', '/.well-known/jwks.json')
  expectStatus(answer, 200)
  const { keys } = answer.json as { keys: Record<string, unknown>[] }
  const header = JSON.parse(Buffer.from((await ctx.mint()).split('.')[0], 'base64url').toString())
  assert.ok(
    keys.some((key) => key.kid === header.kid),
    'the set holds the key that signs tokens',
  )
  for (const key of keys) assert.equal(key.d, undefined, 'no private part')
})

/** Every key of a JSON document, at any depth. */
const keysOf = (value: unknown): string[] =>
  value && typeof value === 'object'
    ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)])
    : []

test('§6 GET /openapi.json: OpenAPI 3.1, bearer scheme, scopes per operation', async (ctx) => {
  const answer = await call(ctx.baseUrl, 'GET', '/openapi.json')
  expectStatus(answer, 200)
  const doc = answer.json as {
    openapi: string
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>
    components: { securitySchemes: Record<string, { type: string; scheme?: string }> }
  }
  assert.match(doc.openapi, /^3\.1\./)
  const schemes = Object.values(doc.components.securitySchemes)
  assert.ok(schemes.some((s) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer'))
  const run = Object.entries(doc.paths).find(([path]) => path.endsWith('/run'))
  assert.ok(run, 'the /run operation is documented')
  const scopes = (run[1].patch?.security ?? []).flatMap((s) => Object.values(s).flat())
  assert.ok(scopes.includes('ti:self'), `/run documents ti:self, got ${scopes}`)
  assert.ok(scopes.includes('token:workload'), `/run documents token:workload, got ${scopes}`)
  assert.deepEqual(
    keysOf(doc).filter((key) => key.startsWith('x-')),
    [],
    'no internal x- keys',
  )
})

test('§6 GET /connections/{id}: 200, then 404 for an unknown one', async (ctx) => {
  const token = await ctx.mint()
  const found = await call(ctx.baseUrl, 'GET', '/connections/conformance_db', { token })
  expectStatus(found, 200)
  assert.deepEqual(found.json, {
    conn_id: 'conformance_db',
    conn_type: 'postgres',
    host: 'db.local',
    schema: 'airflow',
    login: 'runner',
    password: 'secret',
    port: 5432,
    extra: null,
  })
  const unknown = await call(ctx.baseUrl, 'GET', '/connections/nope', { token })
  expectStatus(unknown, 404)
  assert.equal((unknown.json as { detail: { reason: string } }).detail.reason, 'not_found')
})

test('§6 variables: put 201, get 200, delete 204, then 404', async (ctx) => {
  const token = await ctx.mint()
  const key = `var_${crypto.randomUUID().slice(0, 8)}`
  const put = await call(ctx.baseUrl, 'PUT', `/variables/${key}`, {
    token,
    body: { value: 'forty-two', description: 'conformance' },
  })
  expectStatus(put, 201)
  assert.deepEqual(put.json, { key, value: 'forty-two' })
  const got = await call(ctx.baseUrl, 'GET', `/variables/${key}`, { token })
  expectStatus(got, 200)
  assert.deepEqual(got.json, { key, value: 'forty-two' })
  expectStatus(await call(ctx.baseUrl, 'DELETE', `/variables/${key}`, { token }), 204)
  const gone = await call(ctx.baseUrl, 'GET', `/variables/${key}`, { token })
  expectStatus(gone, 404)
  expectStatus(await call(ctx.baseUrl, 'DELETE', `/variables/${key}`, { token }), 404)
})

test('§6 a variable without a value: 422', async (ctx) => {
  const token = await ctx.mint()
  const answer = await call(ctx.baseUrl, 'PUT', '/variables/broken', { token, body: { v: 1 } })
  expectStatus(answer, 422)
})

test('§6 XComs: post 201, get 200 (JSON value kept), delete 204, then 404', async (ctx) => {
  const token = await ctx.mint()
  const where = `/xcoms/conformance/run-1/t-${crypto.randomUUID().slice(0, 8)}/return_value`
  const value = { rows: [1, 2, 3], ok: true, name: 'é', nested: { none: null } }
  const post = await call(ctx.baseUrl, 'POST', where, { token, body: value })
  expectStatus(post, 201)
  assert.deepEqual(post.json, { key: 'return_value', value })
  const got = await call(ctx.baseUrl, 'GET', where, { token })
  expectStatus(got, 200)
  assert.deepEqual(got.json, { key: 'return_value', value })
  expectStatus(await call(ctx.baseUrl, 'GET', `${where}?map_index=3`, { token }), 404)
  expectStatus(await call(ctx.baseUrl, 'DELETE', where, { token }), 204)
  expectStatus(await call(ctx.baseUrl, 'GET', where, { token }), 404)
})

test('§6 XCom map_index is part of the key', async (ctx) => {
  const token = await ctx.mint()
  const where = `/xcoms/conformance/run-1/mapped-${crypto.randomUUID().slice(0, 8)}/k`
  expectStatus(await call(ctx.baseUrl, 'POST', `${where}?map_index=0`, { token, body: 'a' }), 201)
  expectStatus(await call(ctx.baseUrl, 'POST', `${where}?map_index=1`, { token, body: 'b' }), 201)
  const second = await call(ctx.baseUrl, 'GET', `${where}?map_index=1`, { token })
  assert.deepEqual(second.json, { key: 'k', value: 'b' })
  expectStatus(await call(ctx.baseUrl, 'GET', `${where}?map_index=-2`, { token }), 422)
})

test('§6 an unknown path: 404 JSON', async ({ baseUrl }) => {
  const answer = await call(baseUrl, 'GET', '/no/such/route')
  expectStatus(answer, 404)
  assert.ok((answer.json as { detail: unknown }).detail)
})
