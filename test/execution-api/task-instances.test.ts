import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, queue, runBody, running, setup, tiPath, tokenFor } from './helpers'

const ctx = setup()
const { request, issuer } = ctx

const stateOf = (id: string) =>
  env.DB.prepare('SELECT * FROM task_instances WHERE id = ?')
    .bind(id)
    .first<Record<string, unknown>>()

describe('PATCH /task-instances/{id}/run', () => {
  it('starts a queued task instance and answers the run context', async () => {
    const id = await queue({ dag_id: 'etl', run_id: 'r1', task_id: 'load', max_tries: 3 })
    const token = await tokenFor(issuer, id)
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id,
      dag_id: 'etl',
      run_id: 'r1',
      task_id: 'load',
      map_index: -1,
      try_number: 1,
      max_tries: 3,
      start_date: '2026-01-01T00:00:00.000Z',
    })
    // With an execution token there is nothing to exchange.
    expect(res.headers.get('refreshed-api-token')).toBeNull()
    expect(await stateOf(id)).toMatchObject({ state: 'running', hostname: 'worker-1', pid: 4242 })
  })

  it('starts a restarting task instance too', async () => {
    const id = await queue()
    await env.DB.prepare("UPDATE task_instances SET state = 'restarting' WHERE id = ?")
      .bind(id)
      .run()
    const res = await request(
      tiPath(id, 'run'),
      call(await tokenFor(issuer, id), 'PATCH', runBody()),
    )
    expect(res.status).toBe(200)
  })

  it('is idempotent for the same host and pid', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id })
  })

  it('answers 409 with the previous state for another host or a finished task', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody('worker-2')))
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      detail: {
        reason: 'invalid_state',
        message: 'TI was not in a state where it could be marked as running',
        previous_state: 'running',
      },
    })
    await env.DB.prepare("UPDATE task_instances SET state = 'success' WHERE id = ?").bind(id).run()
    const again = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ detail: { previous_state: 'success' } })
  })

  it('answers 404 for an unknown task instance', async () => {
    const id = crypto.randomUUID()
    const res = await request(
      tiPath(id, 'run'),
      call(await tokenFor(issuer, id), 'PATCH', runBody()),
    )
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      detail: { reason: 'not_found', message: 'Task Instance not found' },
    })
  })

  it('lets exactly one of two racing runners win', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await queue()
      const token = await tokenFor(issuer, id)
      const results = await Promise.all(
        ['host-a', 'host-b'].map((host) =>
          request(tiPath(id, 'run'), call(token, 'PATCH', runBody(host, 1))),
        ),
      )
      expect(results.map((r) => r.status).sort()).toEqual([200, 409])
      const winner = results[results[0]?.status === 200 ? 0 : 1]
      const row = await stateOf(id)
      // The row holds the winner's host, whole: nothing of the loser was written.
      expect(row?.hostname).toBe(winner === results[0] ? 'host-a' : 'host-b')
    }
  })

  it('answers 422 with the issues for a bad body or id', async () => {
    const id = await queue()
    const token = await tokenFor(issuer, id)
    const bad = await request(tiPath(id, 'run'), call(token, 'PATCH', { ...runBody(), pid: 'x' }))
    expect(bad.status).toBe(422)
    const { detail } = (await bad.json()) as { detail: { loc: unknown[] }[] }
    expect(detail[0]?.loc).toEqual(['json', 'pid'])
    const wrongState = await request(
      tiPath(id, 'run'),
      call(token, 'PATCH', { ...runBody(), state: 'success' }),
    )
    expect(wrongState.status).toBe(422)
    const broken = await request(tiPath(id, 'run'), {
      ...call(token, 'PATCH'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"state":',
    })
    expect(broken.status).toBe(422)
    expect(await broken.json()).toMatchObject({ detail: [{ type: 'json_invalid' }] })
    expect((await stateOf(id))?.state).toBe('queued')
  })
})

describe('PATCH /task-instances/{id}/state', () => {
  it('moves a running task instance to its final state: 204', async () => {
    const { id, token } = await running(ctx)
    const body = { state: 'success', end_date: '2026-01-01T00:05:00+02:00' }
    const res = await request(tiPath(id, 'state'), call(token, 'PATCH', body))
    expect(res.status).toBe(204)
    expect(await stateOf(id)).toMatchObject({
      state: 'success',
      end_date: '2025-12-31T22:05:00.000Z',
    })
  })

  it('answers 409 when the task instance is not running, 404 when unknown, 422 on a bad state', async () => {
    const id = await queue()
    const token = await tokenFor(issuer, id)
    const body = { state: 'failed', end_date: '2026-01-01T00:05:00Z' }
    const res = await request(tiPath(id, 'state'), call(token, 'PATCH', body))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({
      detail: { reason: 'invalid_state', previous_state: 'queued' },
    })

    const unknown = crypto.randomUUID()
    const missing = await request(
      tiPath(unknown, 'state'),
      call(await tokenFor(issuer, unknown), 'PATCH', body),
    )
    expect(missing.status).toBe(404)

    const bad = await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', { ...body, state: 'bogus' }),
    )
    expect(bad.status).toBe(422)
  })
})

describe('PUT /task-instances/{id}/heartbeat', () => {
  it('records a heartbeat from the running host and pid: 204', async () => {
    const { id, token } = await running(ctx)
    const res = await request(
      tiPath(id, 'heartbeat'),
      call(token, 'PUT', { hostname: 'worker-1', pid: 4242 }),
    )
    expect(res.status).toBe(204)
  })

  it('answers 409 from another host or pid, or when not running; 404 when unknown', async () => {
    const { id, token } = await running(ctx)
    const other = await request(
      tiPath(id, 'heartbeat'),
      call(token, 'PUT', { hostname: 'worker-1', pid: 1 }),
    )
    expect(other.status).toBe(409)
    expect(await other.json()).toMatchObject({
      detail: { reason: 'running_elsewhere', current_hostname: 'worker-1', current_pid: 4242 },
    })
    await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', { state: 'failed', end_date: '2026-01-01T00:00:00Z' }),
    )
    const done = await request(
      tiPath(id, 'heartbeat'),
      call(token, 'PUT', { hostname: 'worker-1', pid: 4242 }),
    )
    expect(done.status).toBe(409)
    expect(await done.json()).toMatchObject({
      detail: { reason: 'not_running', current_state: 'failed' },
    })

    const unknown = crypto.randomUUID()
    const missing = await request(
      tiPath(unknown, 'heartbeat'),
      call(await tokenFor(issuer, unknown), 'PUT', { hostname: 'h', pid: 1 }),
    )
    expect(missing.status).toBe(404)
    const bad = await request(tiPath(id, 'heartbeat'), call(token, 'PUT', { hostname: '' }))
    expect(bad.status).toBe(422)
  })
})
