import { describe, expect, it } from 'vitest'
import { call, queue, running, setup, tiPath, tokenFor } from './helpers'
import { expectPolicy, row, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx

/** A task instance that does not exist, with its own (valid) token. */
const ghost = async () => {
  const id = crypto.randomUUID()
  return { id, token: await tokenFor(issuer, id) }
}

describe('PUT /task-instances/{id}/rtif', () => {
  it('stores the rendered fields (201) and replaces them on the next call', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'rtif'), call(token, 'PUT', { sql: 'SELECT 1', n: 2 }))
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ message: 'Rendered task instance fields successfully set' })
    await request(tiPath(id, 'rtif'), call(token, 'PUT', { sql: 'SELECT 2' }))
    const stored = await row('SELECT * FROM rendered_task_instance_fields WHERE ti_id = ?', id)
    expect(JSON.parse(stored?.rendered_fields as string)).toEqual({ sql: 'SELECT 2' })
  })

  it('answers FastAPI’s bare 404 for an unknown task instance, and writes nothing', async () => {
    const { id, token } = await ghost()
    const res = await request(tiPath(id, 'rtif'), call(token, 'PUT', { a: '1' }))
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not Found' })
    expect(await row('SELECT * FROM rendered_task_instance_fields WHERE ti_id = ?', id)).toBeNull()
  })

  it('answers 422 for a body that is not an object', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'rtif'), call(token, 'PUT', ['a']))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ detail: [{ loc: ['body'] }] })
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    await expectPolicy(ctx, 'PUT', (id) => tiPath(id, 'rtif'), { body: {}, tiSelf: true })
  })
})

describe('PATCH /task-instances/{id}/rendered-map-index', () => {
  it('stores the JSON string (204)', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'rendered-map-index'), call(token, 'PATCH', 'file-3'))
    expect(res.status).toBe(204)
    expect(await row('SELECT rendered_map_index FROM task_instances WHERE id = ?', id)).toEqual({
      rendered_map_index: 'file-3',
    })
  })

  it('answers 422 for an empty string or a non-string, 404 for an unknown task instance', async () => {
    const { id, token } = await running(ctx)
    const empty = await request(tiPath(id, 'rendered-map-index'), call(token, 'PATCH', ''))
    expect(empty.status).toBe(422)
    expect(await empty.json()).toEqual({ detail: 'rendered_map_index cannot be empty' })
    const number = await request(tiPath(id, 'rendered-map-index'), call(token, 'PATCH', 3))
    expect(number.status).toBe(422)
    const g = await ghost()
    const missing = await request(tiPath(g.id, 'rendered-map-index'), call(g.token, 'PATCH', 'x'))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'Task Instance not found' })
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    const path = (id: string) => tiPath(id, 'rendered-map-index')
    await expectPolicy(ctx, 'PATCH', path, { body: 'x', tiSelf: true })
  })
})

describe('PATCH /task-instances/{id}/skip-downstream', () => {
  it('skips the named task instances of the same run, not running or finished ones', async () => {
    const run = { dag_id: `d-${crypto.randomUUID()}`, run_id: 'r' }
    const id = await queue({ ...run, task_id: 'branch' })
    const token = await tokenFor(issuer, id)
    const a = await queue({ ...run, task_id: 'a' })
    const m1 = await queue({ ...run, task_id: 'm', map_index: 1 })
    const done = await queue({ ...run, task_id: 'done' })
    const elsewhere = await queue({ dag_id: run.dag_id, run_id: 'other', task_id: 'a' })
    await sql("UPDATE task_instances SET state = 'success' WHERE id = ?", done)
    const body = { tasks: ['a', ['m', 1], 'done'] }
    const res = await request(tiPath(id, 'skip-downstream'), call(token, 'PATCH', body))
    expect(res.status).toBe(204)
    const state = async (ti: string) =>
      (await row('SELECT state FROM task_instances WHERE id = ?', ti))?.state
    expect(await state(a)).toBe('skipped')
    expect(await state(m1)).toBe('skipped')
    expect(await state(done)).toBe('success')
    expect(await state(elsewhere)).toBe('queued')
    expect(await state(id)).toBe('queued')
  })

  it('answers 404 for an unknown task instance and 422 for a bad body', async () => {
    const g = await ghost()
    const res = await request(
      tiPath(g.id, 'skip-downstream'),
      call(g.token, 'PATCH', { tasks: [] }),
    )
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      detail: { reason: 'not_found', message: 'Task Instance not found' },
    })
    const { id, token } = await running(ctx)
    const bad = await request(tiPath(id, 'skip-downstream'), call(token, 'PATCH', { tasks: [1] }))
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ detail: [{ loc: ['body', 'tasks', 0] }] })
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    const path = (id: string) => tiPath(id, 'skip-downstream')
    await expectPolicy(ctx, 'PATCH', path, { body: { tasks: [] }, tiSelf: true })
  })
})

describe('GET /task-instances/{id}/previous-successful-dagrun', () => {
  it('answers the latest successful run before this one, or all nulls', async () => {
    const dag_id = `d-${crypto.randomUUID()}`
    const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`
    const id = await queue({ dag_id, run_id: 'r3', dag_run: { logical_date: at(3) } })
    const token = await tokenFor(issuer, id)
    const path = tiPath(id, 'previous-successful-dagrun')
    const none = await request(path, call(token, 'GET'))
    expect(await none.json()).toEqual({
      data_interval_start: null,
      data_interval_end: null,
      start_date: null,
      end_date: null,
    })
    for (const [run, day, state] of [
      ['r1', 1, 'success'],
      ['r2', 2, 'failed'],
    ] as const) {
      await queue({ dag_id, run_id: run, dag_run: { logical_date: at(day) } })
      await sql(
        'UPDATE dag_runs SET state = ?, end_date = ? WHERE dag_id = ? AND run_id = ?',
        state,
        at(day + 1),
        dag_id,
        run,
      )
    }
    const res = await request(path, call(token, 'GET'))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ end_date: at(2), data_interval_start: null })
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    const path = (id: string) => tiPath(id, 'previous-successful-dagrun')
    await expectPolicy(ctx, 'GET', path, { tiSelf: true })
  })
})

describe('GET /task-instances/{id}/validate-inlets-and-outlets', () => {
  it('answers no inactive assets, or 404 for an unknown task instance', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'validate-inlets-and-outlets'), call(token, 'GET'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ inactive_assets: [] })
    const g = await ghost()
    const missing = await request(tiPath(g.id, 'validate-inlets-and-outlets'), call(g.token, 'GET'))
    expect(missing.status).toBe(404)
  })

  it('refuses workload tokens and other task instances’ tokens', async () => {
    const path = (id: string) => tiPath(id, 'validate-inlets-and-outlets')
    await expectPolicy(ctx, 'GET', path, { tiSelf: true })
  })
})
