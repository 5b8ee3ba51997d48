import { describe, expect, it } from 'vitest'
import { call, queue, setup, tokenFor } from './helpers'
import { expectPolicy, row } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

/** A mapped task's XComs: map indexes 0..n-1 hold values 'v0'…, in a run of their own. */
const mapped = async (n: number, run = `r-${crypto.randomUUID()}`) => {
  const base = `/execution/xcoms/dag/${run}/task/return_value`
  for (let i = 0; i < n; i++) {
    const res = await request(`${base}?map_index=${i}`, call(token, 'POST', `v${i}`))
    expect(res.status).toBe(201)
  }
  return base
}

const get = async (path: string, method = 'GET') => {
  const res = await request(path, call(token, method))
  // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, checked by the tests
  const body: any = method === 'HEAD' ? null : await res.json()
  return { status: res.status, body, res }
}

describe('HEAD /xcoms/{dag_id}/{run_id}/{task_id}/{key}', () => {
  it('counts the map indexes in Content-Range, with no body', async () => {
    const base = await mapped(3)
    const { status, res } = await get(base, 'HEAD')
    expect(status).toBe(200)
    expect(res.headers.get('content-range')).toBe('map_indexes 3')
    expect(await res.text()).toBe('')
    const none = await get(`${base.replace('return_value', 'other')}`, 'HEAD')
    expect(none.res.headers.get('content-range')).toBe('map_indexes 0')
  })

  it('answers 400 when a map index is named', async () => {
    const res = await request(`${await mapped(1)}?map_index=0`, call(token, 'HEAD'))
    expect(res.status).toBe(400)
  })
})

describe('GET /xcoms/…/{key} with offset and include_prior_dates', () => {
  it('reads by offset and answers Airflow’s 404 message', async () => {
    const base = await mapped(3)
    expect((await get(`${base}?offset=-1`)).body).toEqual({ key: 'return_value', value: 'v2' })
    expect((await get(`${base}?offset=0`)).body).toEqual({ key: 'return_value', value: 'v0' })
    const missing = await get(`${base}?offset=5`)
    expect(missing.status).toBe(404)
    expect(missing.body.detail.message).toMatch(
      /^XCom with key='return_value' offset=5 not found for task 'task' in DAG run 'r-/,
    )
    expect((await get(`${base}?map_index=x`)).status).toBe(422)
  })

  it('finds the latest earlier run’s value with include_prior_dates', async () => {
    const day = (n: number) => ({ dag_run: { logical_date: `2026-03-0${n}T00:00:00.000Z` } })
    const dag_id = `d-${crypto.randomUUID()}`
    await queue({ dag_id, run_id: 'r1', ...day(1) })
    await queue({ dag_id, run_id: 'r2', ...day(2) })
    await queue({ dag_id, run_id: 'r3', ...day(3) })
    await request(`/execution/xcoms/${dag_id}/r1/task/k`, call(token, 'POST', 'one'))
    await request(`/execution/xcoms/${dag_id}/r3/task/k`, call(token, 'POST', 'three'))
    const path = `/execution/xcoms/${dag_id}/r2/task/k`
    expect((await get(path)).status).toBe(404)
    expect((await get(`${path}?include_prior_dates=true`)).body).toEqual({ key: 'k', value: 'one' })
    expect((await get(`${path}?include_prior_dates=maybe`)).status).toBe(422)
  })
})

describe('GET /xcoms/…/{key}/item/{offset}', () => {
  it('answers the bare value by position, negative from the end, or 404', async () => {
    const base = await mapped(3)
    expect(await get(`${base}/item/1`)).toMatchObject({ status: 200, body: 'v1' })
    expect(await get(`${base}/item/-1`)).toMatchObject({ status: 200, body: 'v2' })
    expect((await get(`${base}/item/3`)).status).toBe(404)
    expect((await get(`${base}/item/x`)).status).toBe(422)
  })
})

describe('GET /xcoms/…/{key}/slice', () => {
  it('slices as Python does', async () => {
    const base = await mapped(5)
    const slice = async (q: string) => (await get(`${base}/slice${q}`)).body
    expect(await slice('')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4'])
    expect(await slice('?start=1&stop=3')).toEqual(['v1', 'v2'])
    expect(await slice('?start=-2')).toEqual(['v3', 'v4'])
    expect(await slice('?stop=-3')).toEqual(['v0', 'v1'])
    expect(await slice('?step=2')).toEqual(['v0', 'v2', 'v4'])
    expect(await slice('?step=-1')).toEqual(['v4', 'v3', 'v2', 'v1', 'v0'])
    expect(await slice('?start=3&stop=0&step=-2')).toEqual(['v3', 'v1'])
    expect(await slice('?start=-1&stop=-4&step=-1')).toEqual(['v4', 'v3', 'v2'])
    expect(await slice('?start=10')).toEqual([])
  })
})

describe('POST /xcoms/…?mapped_length=', () => {
  it('records the task map with the value, and refuses more than 1024', async () => {
    const run = `r-${crypto.randomUUID()}`
    const path = `/execution/xcoms/dag/${run}/task/return_value?mapped_length=4`
    expect((await request(path, call(token, 'POST', [1, 2, 3, 4]))).status).toBe(201)
    expect(await row('SELECT length FROM task_maps WHERE run_id = ?', run)).toEqual({ length: 4 })
    const tooMany = await request(path.replace('=4', '=1025'), call(token, 'POST', []))
    expect(tooMany.status).toBe(400)
    expect(await tooMany.json()).toMatchObject({
      detail: { reason: 'unmappable_return_value_length' },
    })
  })

  it('refuses workload tokens on every XCom route', async () => {
    for (const [method, suffix] of [
      ['HEAD', ''],
      ['GET', '/item/0'],
      ['GET', '/slice'],
    ]) {
      const res = await request(
        `/execution/xcoms/d/r/t/k${suffix}`,
        call(await tokenFor(issuer, await queue(), { scope: 'workload' }), method as string),
      )
      expect(res.status, `${method} ${suffix}`).toBe(403)
    }
    await expectPolicy(ctx, 'GET', () => '/execution/xcoms/d/r/t/k/slice')
  })
})
