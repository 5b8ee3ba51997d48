import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/execution-api/app'
import { bindings, call, queue, setup, tokenFor } from './helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

const insert = (sql: string, ...values: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...values)
    .run()

describe('GET /connections/{id}', () => {
  it('answers the connection, or 404', async () => {
    await insert(
      "INSERT INTO connections (conn_id, conn_type, host, port, login, password) VALUES ('pg', 'postgres', 'db', 5432, 'u', 'p')",
    )
    const res = await request('/execution/connections/pg', call(token, 'GET'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      conn_id: 'pg',
      conn_type: 'postgres',
      host: 'db',
      schema: null,
      login: 'u',
      password: 'p',
      port: 5432,
      extra: null,
    })
    const missing = await request('/execution/connections/nope', call(token, 'GET'))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({
      detail: { reason: 'not_found', message: 'Connection with ID nope not found' },
    })
  })

  it('answers 422 for an id that is too long', async () => {
    const res = await request(`/execution/connections/${'x'.repeat(251)}`, call(token, 'GET'))
    expect(res.status).toBe(422)
  })
})

describe('/variables/{key}', () => {
  it('puts (201), gets (200), deletes (204), then 404', async () => {
    const path = '/execution/variables/greeting'
    const put = await request(path, call(token, 'PUT', { value: 'hello', description: 'd' }))
    expect(put.status).toBe(201)
    expect(await put.json()).toEqual({ key: 'greeting', value: 'hello' })
    const get = await request(path, call(token, 'GET'))
    expect(get.status).toBe(200)
    expect(await get.json()).toEqual({ key: 'greeting', value: 'hello' })
    expect((await request(path, call(token, 'DELETE'))).status).toBe(204)
    const gone = await request(path, call(token, 'GET'))
    expect(gone.status).toBe(404)
    expect(await gone.json()).toEqual({
      detail: { reason: 'not_found', message: "Variable with key 'greeting' not found" },
    })
    expect((await request(path, call(token, 'DELETE'))).status).toBe(404)
  })

  it('answers 422 for a body without a string value', async () => {
    const res = await request('/execution/variables/v', call(token, 'PUT', { value: 1 }))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ detail: [{ loc: ['body', 'value'] }] })
  })
})

describe('/xcoms/{dag_id}/{run_id}/{task_id}/{key}', () => {
  it('posts any JSON value (201), gets it (200), deletes it (204), then 404', async () => {
    const path = '/execution/xcoms/etl/run-1/extract/rows'
    const value = { count: 3, ids: [1, 2, 3], note: null }
    const post = await request(path, call(token, 'POST', value))
    expect(post.status).toBe(201)
    expect(await post.json()).toEqual({ key: 'rows', value })
    const get = await request(path, call(token, 'GET'))
    expect(await get.json()).toEqual({ key: 'rows', value })
    // Another map index is another XCom.
    expect((await request(`${path}?map_index=2`, call(token, 'GET'))).status).toBe(404)
    expect((await request(path, call(token, 'DELETE'))).status).toBe(204)
    const gone = await request(path, call(token, 'GET'))
    expect(gone.status).toBe(404)
    expect(await gone.json()).toMatchObject({ detail: { reason: 'not_found' } })
    expect((await request(path, call(token, 'DELETE'))).status).toBe(404)
  })

  it('answers 422 for a bad map_index', async () => {
    const res = await request('/execution/xcoms/d/r/t/k?map_index=-5', call(token, 'GET'))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ detail: [{ loc: ['query', 'map_index'] }] })
  })
})

/** Bindings whose D1 records every statement prepared through it. */
const recording = (overrides: Parameters<typeof bindings>[0]) => {
  const statements: string[] = []
  const db = new Proxy(env.DB, {
    get(target, name) {
      if (name === 'prepare') {
        return (sql: string) => {
          statements.push(sql)
          return target.prepare(sql)
        }
      }
      const value = Reflect.get(target, name)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const testEnv = bindings({ ...overrides, DB: db })
  const app = createApp(testEnv)
  return {
    statements,
    request: (path: string, init: RequestInit) =>
      app.request(`http://localhost${path}`, init, testEnv),
  }
}

describe('multi-team', () => {
  it('is off by default: no statement looks up a team', async () => {
    const { statements, request } = recording({})
    await request('/execution/variables/anything', call(token, 'GET'))
    await request('/execution/connections/anything', call(token, 'GET'))
    expect(statements).toHaveLength(2)
    expect(statements.join('\n')).not.toMatch(/dags|task_instances/)
  })

  it('when on, reads connections and variables within the task instance team', async () => {
    const { statements, request } = recording({ MULTI_TEAM: 'true' })
    const teamA = await queue({ dag_id: `dag-a-${crypto.randomUUID()}`, team: 'a' })
    const teamB = await queue({ dag_id: `dag-b-${crypto.randomUUID()}`, team: 'b' })
    const key = `k-${crypto.randomUUID()}`
    await insert("INSERT INTO variables (team, key, value) VALUES ('a', ?, 'for a')", key)
    await insert("INSERT INTO variables (team, key, value) VALUES ('', ?, 'for all')", key)
    await insert("INSERT INTO connections (team, conn_id, conn_type) VALUES ('b', ?, 'http')", key)

    const asA = await tokenFor(issuer, teamA)
    const asB = await tokenFor(issuer, teamB)
    const read = async (t: string, path: string) => {
      const res = await request(path, call(t, 'GET'))
      return res.status === 200 ? await res.json() : res.status
    }
    expect(await read(asA, `/execution/variables/${key}`)).toEqual({ key, value: 'for a' })
    expect(await read(asB, `/execution/variables/${key}`)).toEqual({ key, value: 'for all' })
    expect(await read(asA, `/execution/connections/${key}`)).toBe(404)
    expect(await read(asB, `/execution/connections/${key}`)).toMatchObject({ conn_id: key })
    expect(statements.filter((s) => s.includes('JOIN dags'))).toHaveLength(4)
  })
})
