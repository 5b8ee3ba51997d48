import { describe, expect, it } from 'vitest'
import { call, queue, running, setup, tiPath, tokenFor } from './helpers'
import { expectPolicy, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

const get = async (path: string) => {
  const res = await request(path, call(token, 'GET'))
  return { status: res.status, body: await res.json() }
}

/** A dag with two runs: r1 (logical date day 1) and r2 (day 2), tasks a, b and mapped m. */
const dag = async () => {
  const dag_id = `d-${crypto.randomUUID()}`
  const day = (n: number) => `2026-02-0${n}T00:00:00.000Z`
  for (const [run_id, n] of [
    ['r1', 1],
    ['r2', 2],
  ] as const) {
    const dag_run = { logical_date: day(n) }
    await queue({ dag_id, run_id, task_id: 'a', dag_run })
    await queue({ dag_id, run_id, task_id: 'b', dag_run })
    await queue({ dag_id, run_id, task_id: 'm', map_index: 0, dag_run })
  }
  await sql(
    `UPDATE task_instances SET state = 'success', start_date = ?, end_date = ?
     WHERE dag_id = ? AND task_id = 'a'`,
    '2026-02-01T00:00:00.000Z',
    '2026-02-01T00:00:30.000Z',
    dag_id,
  )
  return { dag_id, day }
}

describe('GET /task-instances/count', () => {
  it('counts with every filter, repeated parameters as lists', async () => {
    const { dag_id, day } = await dag()
    const base = `/execution/task-instances/count?dag_id=${dag_id}`
    expect(await get(base)).toEqual({ status: 200, body: 6 })
    expect((await get(`${base}&task_ids=a&task_ids=b`)).body).toBe(4)
    expect((await get(`${base}&run_ids=r1`)).body).toBe(3)
    expect((await get(`${base}&map_index=0`)).body).toBe(2)
    expect((await get(`${base}&states=success`)).body).toBe(2)
    expect((await get(`${base}&states=null`)).body).toBe(0)
    expect((await get(`${base}&logical_dates=${day(2)}`)).body).toBe(3)
  })

  it('answers 404 for a task group (no dags here) and 422 for bad parameters', async () => {
    const missing = await get('/execution/task-instances/count?dag_id=x&task_group_id=g')
    expect(missing).toEqual({
      status: 404,
      body: { detail: { reason: 'not_found', message: 'Task group g not found in DAG x' } },
    })
    expect((await get('/execution/task-instances/count')).status).toBe(422)
    const bad = await get('/execution/task-instances/count?dag_id=x&map_index=one')
    expect(bad.status).toBe(422)
    expect(bad.body).toMatchObject({ detail: [{ loc: ['query', 'map_index'] }] })
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/task-instances/count?dag_id=x')
  })
})

describe('GET /task-instances/states', () => {
  it('answers states by run, mapped task instances as task_id_mapindex', async () => {
    const { dag_id } = await dag()
    const res = await get(`/execution/task-instances/states?dag_id=${dag_id}&run_ids=r1`)
    expect(res).toEqual({
      status: 200,
      body: { task_states: { r1: { a: 'success', b: 'queued', m_0: 'queued' } } },
    })
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/task-instances/states?dag_id=x')
  })
})

describe('GET /task-instances/previous/{dag_id}/{task_id}', () => {
  it('answers the latest task instance before a logical date, filtered by state, or null', async () => {
    const { dag_id, day } = await dag()
    const base = `/execution/task-instances/previous/${dag_id}`
    const latest = await get(`${base}/a`)
    expect(latest.body).toEqual({
      task_id: 'a',
      dag_id,
      run_id: 'r2',
      logical_date: day(2),
      start_date: '2026-02-01T00:00:00.000Z',
      end_date: '2026-02-01T00:00:30.000Z',
      state: 'success',
      try_number: 1,
      map_index: -1,
      duration: expect.closeTo(30, 3),
    })
    expect((await get(`${base}/a?logical_date=${day(2)}`)).body).toMatchObject({ run_id: 'r1' })
    expect((await get(`${base}/b?state=success`)).body).toBeNull()
    expect((await get(`${base}/m?map_index=0`)).body).toMatchObject({ map_index: 0 })
    expect((await get(`${base}/a?state=bogus`)).status).toBe(422)
  })
})

describe('GET /task-instances/breadcrumbs', () => {
  it('answers the finished task instances of a run', async () => {
    const { dag_id } = await dag()
    const res = await get(`/execution/task-instances/breadcrumbs?dag_id=${dag_id}&run_id=r1`)
    expect(res.body).toEqual({
      breadcrumbs: [
        {
          task_id: 'a',
          map_index: -1,
          state: 'success',
          operator: null,
          duration: expect.closeTo(30, 3),
        },
      ],
    })
    expect((await get('/execution/task-instances/breadcrumbs?dag_id=x')).status).toBe(422)
  })
})

describe('GET /task-reschedules/{id}/start_date', () => {
  it('answers null, then the first reschedule’s start date', async () => {
    const { id, token: own } = await running(ctx)
    const path = `/execution/task-reschedules/${id}/start_date`
    expect(await (await request(path, call(own, 'GET'))).json()).toBeNull()
    const reschedule = {
      state: 'up_for_reschedule',
      reschedule_date: '2026-01-01T01:00:00Z',
      end_date: '2026-01-01T00:10:00Z',
    }
    expect((await request(tiPath(id, 'state'), call(own, 'PATCH', reschedule))).status).toBe(204)
    const res = await request(path, call(own, 'GET'))
    expect(res.status).toBe(200)
    expect(await res.json()).toBe('2026-01-01T00:00:00.000Z')
    expect(
      (await request('/execution/task-reschedules/nope/start_date', call(own, 'GET'))).status,
    ).toBe(422)
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', (id) => `/execution/task-reschedules/${id}/start_date`)
  })
})
