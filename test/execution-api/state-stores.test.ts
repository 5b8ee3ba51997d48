import { describe, expect, it } from 'vitest'
import { call, queue, running, setup, tokenFor } from './helpers'
import { expectPolicy, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx

const send = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await request(`/execution${path}`, call(token, method, body))
  return { status: res.status, body: res.status === 204 ? null : await res.json() }
}

describe('/store/ti/{task_instance_id}/{key}', () => {
  it('puts (204), gets (200), deletes (204), then 404; keys may hold a slash', async () => {
    const { id, token } = await running(ctx)
    const path = `/store/ti/${id}/${encodeURIComponent('cursor/a')}`
    expect(await send(token, 'PUT', path, { value: { page: 3 } })).toEqual({
      status: 204,
      body: null,
    })
    expect(await send(token, 'GET', path)).toEqual({ status: 200, body: { value: { page: 3 } } })
    expect((await send(token, 'DELETE', path)).status).toBe(204)
    expect(await send(token, 'GET', path)).toEqual({
      status: 404,
      body: {
        detail: { reason: 'not_found', message: "Task state store key 'cursor/a' not found" },
      },
    })
  })

  it('hides a value past its expires_at', async () => {
    const { id, token } = await running(ctx)
    const path = `/store/ti/${id}/k`
    const body = { value: 1, expires_at: '2020-01-01T00:00:00Z' }
    expect((await send(token, 'PUT', path, body)).status).toBe(204)
    expect((await send(token, 'GET', path)).status).toBe(404)
  })

  it('is shared by the tries of a task instance’s scope; clear takes one or all map indexes', async () => {
    const run = { dag_id: `d-${crypto.randomUUID()}`, run_id: 'r', task_id: 't' }
    const m0 = await queue({ ...run, map_index: 0 })
    const m1 = await queue({ ...run, map_index: 1 })
    const [t0, t1] = [await tokenFor(issuer, m0), await tokenFor(issuer, m1)]
    await send(t0, 'PUT', `/store/ti/${m0}/k`, { value: 'zero' })
    await send(t1, 'PUT', `/store/ti/${m1}/k`, { value: 'one' })
    expect((await send(t1, 'GET', `/store/ti/${m1}/k`)).body).toEqual({ value: 'one' })
    expect((await send(t0, 'DELETE', `/store/ti/${m0}`)).status).toBe(204)
    expect((await send(t0, 'GET', `/store/ti/${m0}/k`)).status).toBe(404)
    expect((await send(t1, 'GET', `/store/ti/${m1}/k`)).status).toBe(200)
    expect((await send(t0, 'DELETE', `/store/ti/${m0}?all_map_indices=true`)).status).toBe(204)
    expect((await send(t1, 'GET', `/store/ti/${m1}/k`)).status).toBe(404)
  })

  it('answers 404 for an unknown task instance and 422 for a bad body', async () => {
    const id = crypto.randomUUID()
    const token = await tokenFor(issuer, id)
    expect(await send(token, 'PUT', `/store/ti/${id}/k`, { value: 1 })).toEqual({
      status: 404,
      body: { detail: { reason: 'not_found', message: `Task instance ${id} not found` } },
    })
    const own = await running(ctx)
    const path = `/store/ti/${own.id}/k`
    expect((await send(own.token, 'PUT', path, { value: 1, extra: true })).status).toBe(422)
    expect((await send(own.token, 'PUT', path, {})).status).toBe(422)
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    await expectPolicy(ctx, 'GET', (id) => `/execution/store/ti/${id}/k`, { tiSelf: true })
    await expectPolicy(ctx, 'DELETE', (id) => `/execution/store/ti/${id}`, { tiSelf: true })
  })
})

describe('/store/asset/by-name and /by-uri', () => {
  it('keeps one namespace per asset, reachable by name or URI', async () => {
    const token = await tokenFor(issuer, await queue())
    const name = `a-${crypto.randomUUID()}`
    const uri = `s3://b/${name}`
    await sql('INSERT INTO assets (name, uri) VALUES (?, ?)', name, uri)
    const byName = `/store/asset/by-name/value?name=${name}&key=watermark`
    const byUri = `/store/asset/by-uri/value?uri=${encodeURIComponent(uri)}&key=watermark`
    expect((await send(token, 'PUT', byName, { value: [1, 2] })).status).toBe(204)
    expect(await send(token, 'GET', byUri)).toEqual({ status: 200, body: { value: [1, 2] } })
    expect((await send(token, 'DELETE', byUri)).status).toBe(204)
    expect(await send(token, 'GET', byName)).toEqual({
      status: 404,
      body: {
        detail: { reason: 'not_found', message: "Asset state store key 'watermark' not found" },
      },
    })
    await send(token, 'PUT', byName, { value: 1 })
    expect((await send(token, 'DELETE', `/store/asset/by-name/clear?name=${name}`)).status).toBe(
      204,
    )
    expect((await send(token, 'GET', byName)).status).toBe(404)
  })

  it('answers 404 for an unknown asset and 422 without a key', async () => {
    const token = await tokenFor(issuer, await queue())
    expect(await send(token, 'GET', '/store/asset/by-name/value?name=nope&key=k')).toEqual({
      status: 404,
      body: { detail: { reason: 'not_found', message: "Asset with name='nope' not found" } },
    })
    expect((await send(token, 'GET', '/store/asset/by-uri/value?uri=x')).status).toBe(422)
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/store/asset/by-name/value?name=a&key=k')
    await expectPolicy(ctx, 'DELETE', () => '/execution/store/asset/by-uri/clear?uri=a')
  })
})
