import { describe, expect, it } from 'vitest'
import { call, queue, setup, tiPath, tokenFor } from './helpers'
import { expectPolicy, row, rows, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

const send = async (method: string, path: string, body?: unknown) => {
  const res = await request(`/execution${path}`, call(token, method, body))
  return { status: res.status, body: res.status === 204 ? null : await res.json() }
}

/** A dag with runs r1 (day 1, success) and r2 (day 2, running). */
const dag = async () => {
  const dag_id = `d-${crypto.randomUUID()}`
  const day = (n: number) => `2026-04-0${n}T00:00:00.000Z`
  await queue({ dag_id, run_id: 'r1', dag_run: { logical_date: day(1), run_after: day(1) } })
  await queue({ dag_id, run_id: 'r2', dag_run: { logical_date: day(2), run_after: day(2) } })
  await sql("UPDATE dag_runs SET state = 'success' WHERE dag_id = ? AND run_id = 'r1'", dag_id)
  return { dag_id, day }
}

describe('GET /dag-runs/{dag_id}/{run_id} and /state', () => {
  it('answers the DagRun and its state, or 404', async () => {
    const { dag_id, day } = await dag()
    const detail = await send('GET', `/dag-runs/${dag_id}/r1`)
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({
      dag_id,
      run_id: 'r1',
      logical_date: day(1),
      state: 'success',
      consumed_asset_events: [],
    })
    expect(await send('GET', `/dag-runs/${dag_id}/r2/state`)).toEqual({
      status: 200,
      body: { state: 'running' },
    })
    const message = `Dag run with dag_id '${dag_id}' and run_id 'nope' was not found`
    for (const path of [`/dag-runs/${dag_id}/nope`, `/dag-runs/${dag_id}/nope/state`]) {
      expect(await send('GET', path)).toEqual({
        status: 404,
        body: { detail: { reason: 'not_found', message } },
      })
    }
  })
})

describe('GET /dag-runs/count and /previous', () => {
  it('counts by run ids, states and logical dates; finds the run before a date', async () => {
    const { dag_id, day } = await dag()
    expect((await send('GET', `/dag-runs/count?dag_id=${dag_id}`)).body).toBe(2)
    expect((await send('GET', `/dag-runs/count?dag_id=${dag_id}&states=success`)).body).toBe(1)
    const both = `/dag-runs/count?dag_id=${dag_id}&run_ids=r1&run_ids=r2&logical_dates=${day(2)}`
    expect((await send('GET', both)).body).toBe(1)
    const previous = `/dag-runs/previous?dag_id=${dag_id}&logical_date=${day(3)}`
    expect((await send('GET', previous)).body).toMatchObject({ run_id: 'r2' })
    expect((await send('GET', `${previous}&state=success`)).body).toMatchObject({ run_id: 'r1' })
    expect((await send('GET', `${previous.replace(day(3), day(1))}`)).body).toBeNull()
    expect((await send('GET', `/dag-runs/previous?dag_id=${dag_id}`)).status).toBe(422)
  })
})

describe('dates a scheduler queues', () => {
  it('are stored as the API stores them, so date filters match however they were written', async () => {
    const dag_id = `d-${crypto.randomUUID()}`
    // Without milliseconds, and with an offset: the same instants as …00.000Z and …22:00:00.000Z.
    const dag_run = {
      logical_date: '2026-04-01T00:00:00Z',
      run_after: '2026-04-01T02:00:00+02:00',
      partition_date: '2026-04-01T00:00:00Z',
    }
    await queue({ dag_id, run_id: 'r1', dag_run })
    const day = '2026-04-01T00:00:00.000Z'
    expect((await send('GET', `/dag-runs/${dag_id}/r1`)).body).toMatchObject({
      logical_date: day,
      run_after: day,
      partition_date: day,
    })
    expect((await send('GET', `/dag-runs/count?dag_id=${dag_id}&logical_dates=${day}`)).body).toBe(
      1,
    )
    // Half a second later is after it, not (as text) before it.
    const later = `/dag-runs/previous?dag_id=${dag_id}&logical_date=2026-04-01T00:00:00.500Z`
    expect((await send('GET', later)).body).toMatchObject({ run_id: 'r1' })
  })

  it('refuses a date that is not one, writing nothing', async () => {
    const dag_id = `d-${crypto.randomUUID()}`
    await expect(
      queue({ dag_id, run_id: 'r1', dag_run: { logical_date: 'soon' } }),
    ).rejects.toThrow("Not a timestamp: 'soon'")
    expect(await rows('SELECT * FROM dag_runs WHERE dag_id = ?', dag_id)).toEqual([])
  })
})

describe('POST /dag-runs/{dag_id}/{run_id} (trigger)', () => {
  it('queues a manual run (204), then 409 for the same run id', async () => {
    const { dag_id } = await dag()
    const body = { logical_date: '2026-05-01T00:00:00+02:00', conf: { a: 1 }, note: 'n' }
    expect(await send('POST', `/dag-runs/${dag_id}/t1`, body)).toEqual({ status: 204, body: null })
    expect((await send('GET', `/dag-runs/${dag_id}/t1`)).body).toMatchObject({
      state: 'queued',
      run_type: 'manual',
      logical_date: '2026-04-30T22:00:00.000Z',
      conf: { a: 1 },
      note: 'n',
    })
    const again = await send('POST', `/dag-runs/${dag_id}/t1`, {})
    expect(again).toEqual({
      status: 409,
      body: {
        detail: {
          reason: 'already_exists',
          message: `A run already exists for Dag '${dag_id}' with run_id 't1'`,
        },
      },
    })
  })

  it('lets exactly one of two racing triggers create the run', async () => {
    const { dag_id } = await dag()
    const both = await Promise.all([
      send('POST', `/dag-runs/${dag_id}/race`, {}),
      send('POST', `/dag-runs/${dag_id}/race`, { conf: { other: true } }),
    ])
    expect(both.map((r) => r.status).sort()).toEqual([204, 409])
  })

  it('answers 404 for an unknown dag, 400 for import errors, 422 for a bad body', async () => {
    expect((await send('POST', '/dag-runs/no-such-dag/r', {})).status).toBe(404)
    const { dag_id } = await dag()
    expect((await send('POST', `/dag-runs/${dag_id}/r`, { bogus: 1 })).status).toBe(422)
    await sql('UPDATE dags SET has_import_errors = 1 WHERE dag_id = ?', dag_id)
    const broken = await send('POST', `/dag-runs/${dag_id}/r`, {})
    expect(broken).toMatchObject({ status: 400, body: { detail: { reason: 'import_errors' } } })
  })
})

describe('POST /dag-runs/{dag_id}/{run_id}/clear', () => {
  it('queues the run again and sends its task instances back (running ones restart)', async () => {
    const dag_id = `d-${crypto.randomUUID()}`
    const id = await queue({ dag_id, run_id: 'r' })
    const own = await tokenFor(issuer, id)
    expect((await request(tiPath(id, 'run'), call(own, 'PATCH', runStart))).status).toBe(200)
    const failed = await queue({ dag_id, run_id: 'r', task_id: 'other' })
    await sql("UPDATE task_instances SET state = 'failed' WHERE id = ?", failed)
    expect(await send('POST', `/dag-runs/${dag_id}/r/clear`)).toEqual({ status: 204, body: null })
    expect(await row('SELECT state FROM task_instances WHERE id = ?', id)).toEqual({
      state: 'restarting',
    })
    expect(await row('SELECT state FROM task_instances WHERE id = ?', failed)).toEqual({
      state: 'scheduled',
    })
    expect(await row('SELECT state, clear_number FROM dag_runs WHERE dag_id = ?', dag_id)).toEqual({
      state: 'queued',
      clear_number: 1,
    })
    // The runner's heartbeat now tells it to stop.
    const beat = await request(tiPath(id, 'heartbeat'), call(own, 'PUT', heartbeatBody))
    expect(beat.status).toBe(409)
  })

  it('clears only failed task instances with only_failed', async () => {
    const { dag_id } = await dag()
    const failed = await queue({ dag_id, run_id: 'r2', task_id: 'f' })
    await sql("UPDATE task_instances SET state = 'failed' WHERE id = ?", failed)
    const body = { only_failed: true }
    expect((await send('POST', `/dag-runs/${dag_id}/r2/clear`, body)).status).toBe(204)
    const states = await rows(
      'SELECT state FROM task_instances WHERE dag_id = ? AND run_id = ? ORDER BY state',
      dag_id,
      'r2',
    )
    expect(states).toEqual([{ state: 'queued' }, { state: 'scheduled' }])
  })

  it('answers 404 for an unknown dag or run, 422 for a bad body', async () => {
    const { dag_id } = await dag()
    expect((await send('POST', '/dag-runs/no-such-dag/r/clear', {})).status).toBe(404)
    const run = await send('POST', `/dag-runs/${dag_id}/nope/clear`, {})
    expect(run).toEqual({
      status: 404,
      body: { detail: { reason: 'not_found', message: "Dag run with run_id: 'nope' not found" } },
    })
    const bad = await send('POST', `/dag-runs/${dag_id}/r1/clear`, { only_failed: 'yes' })
    expect(bad).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'only_failed'] }] } })
  })
})

describe('GET /dags/{dag_id}', () => {
  it('answers the DagResponse, or 404', async () => {
    const { dag_id } = await dag()
    await sql(`UPDATE dags SET tags = '["etl"]', is_paused = 1 WHERE dag_id = ?`, dag_id)
    expect(await send('GET', `/dags/${dag_id}`)).toEqual({
      status: 200,
      body: {
        dag_id,
        is_paused: true,
        bundle_name: null,
        bundle_version: null,
        relative_fileloc: null,
        owners: null,
        tags: ['etl'],
        next_dagrun: null,
      },
    })
    expect((await send('GET', '/dags/no-such-dag')).status).toBe(404)
  })
})

describe('policy', () => {
  it('refuses workload tokens on the dag run and dag routes', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/dag-runs/count?dag_id=d')
    await expectPolicy(ctx, 'GET', () => '/execution/dag-runs/d/r')
    await expectPolicy(ctx, 'POST', () => '/execution/dag-runs/d/r', { body: {} })
    await expectPolicy(ctx, 'POST', () => '/execution/dag-runs/d/r/clear', { body: {} })
    await expectPolicy(ctx, 'GET', () => '/execution/dags/d')
  })
})

const runStart = {
  state: 'running',
  hostname: 'h',
  unixname: 'u',
  pid: 1,
  start_date: '2026-01-01T00:00:00Z',
}
const heartbeatBody = { hostname: 'h', pid: 1 }
