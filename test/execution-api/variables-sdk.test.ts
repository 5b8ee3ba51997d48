import { describe, expect, it } from 'vitest'
import { call, queue, setup, tokenFor } from './helpers'
import { expectPolicy, row, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

describe('PUT /variables/{key} as the Task SDK sends it', () => {
  it('takes `val` (the alias Airflow’s VariablePostBody reads), and `value` too', async () => {
    const put = await request('/execution/variables/sdk-val', call(token, 'PUT', { val: 'v1' }))
    expect(put.status).toBe(201)
    expect(await put.json()).toEqual({ key: 'sdk-val', value: 'v1' })
    const got = await request('/execution/variables/sdk-val', call(token, 'GET'))
    expect(await got.json()).toEqual({ key: 'sdk-val', value: 'v1' })
    const body = { val: 'v2', description: 'd' }
    expect((await request('/execution/variables/sdk-val', call(token, 'PUT', body))).status).toBe(
      201,
    )
    expect(await row("SELECT value, description FROM variables WHERE key = 'sdk-val'")).toEqual({
      value: 'v2',
      description: 'd',
    })
  })

  it('stores null as Airflow does ("None")', async () => {
    await request('/execution/variables/sdk-null', call(token, 'PUT', { val: null }))
    expect(await row("SELECT value FROM variables WHERE key = 'sdk-null'")).toEqual({
      value: 'None',
    })
  })

  it('answers 422 without a value, or with an unknown field', async () => {
    const none = await request('/execution/variables/v', call(token, 'PUT', { description: 'd' }))
    expect(none.status).toBe(422)
    expect(await none.json()).toMatchObject({ detail: [{ loc: ['body', 'val'] }] })
    const extra = await request('/execution/variables/v', call(token, 'PUT', { val: 'a', x: 1 }))
    expect(extra.status).toBe(422)
  })
})

describe('GET /variables/keys', () => {
  it('lists keys in order, by prefix, one page at a time', async () => {
    const prefix = `k${crypto.randomUUID().slice(0, 8)}_`
    for (const k of ['b', 'a', 'c%']) {
      await sql("INSERT INTO variables (team, key, value) VALUES ('', ?, 'x')", `${prefix}${k}`)
    }
    const keys = async (q: string) => {
      const res = await request(`/execution/variables/keys?${q}`, call(token, 'GET'))
      return { status: res.status, body: (await res.json()) as { total_entries: number } }
    }
    expect(await keys(`prefix=${prefix}`)).toEqual({
      status: 200,
      body: { keys: [`${prefix}a`, `${prefix}b`, `${prefix}c%`], total_entries: 3 },
    })
    expect((await keys(`prefix=${prefix}&limit=1&offset=1`)).body).toEqual({
      keys: [`${prefix}b`],
      total_entries: 3,
    })
    // A LIKE wildcard in the prefix is matched as itself.
    expect((await keys(`prefix=${prefix.slice(0, -1)}%25`)).body.total_entries).toBe(0)
    expect((await keys('limit=0')).status).toBe(422)
    expect((await keys('offset=-1')).status).toBe(422)
  })

  it('lists only the task’s team’s keys in multi-team mode', async () => {
    const teams = setup({ MULTI_TEAM: 'true' })
    const blue = await tokenFor(teams.issuer, await queue({ team: 'blue' }))
    const prefix = `t${crypto.randomUUID().slice(0, 8)}_`
    await sql("INSERT INTO variables (team, key, value) VALUES ('blue', ?, 'x')", `${prefix}b`)
    await sql("INSERT INTO variables (team, key, value) VALUES ('red', ?, 'x')", `${prefix}r`)
    await sql("INSERT INTO variables (team, key, value) VALUES ('', ?, 'x')", `${prefix}none`)
    const res = await teams.request(`/execution/variables/keys?prefix=${prefix}`, call(blue, 'GET'))
    expect(await res.json()).toEqual({ keys: [`${prefix}b`], total_entries: 1 })
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/variables/keys')
  })
})
