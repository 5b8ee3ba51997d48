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
  it('starts a queued task instance and answers its TIRunContext', async () => {
    const id = await queue({
      dag_id: 'etl',
      run_id: 'r1',
      task_id: 'load',
      max_tries: 3,
      team: 'blue',
      dag_run: {
        run_after: '2026-01-01T00:00:00.000Z',
        logical_date: '2026-01-01T00:00:00.000Z',
        run_type: 'scheduled',
        conf: { day: 1 },
      },
    })
    const token = await tokenFor(issuer, id)
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      dag_run: {
        dag_id: 'etl',
        run_id: 'r1',
        logical_date: '2026-01-01T00:00:00.000Z',
        data_interval_start: null,
        data_interval_end: null,
        run_after: '2026-01-01T00:00:00.000Z',
        start_date: '2026-01-01T00:00:00.000Z',
        end_date: null,
        clear_number: 0,
        run_type: 'scheduled',
        state: 'running',
        conf: { day: 1 },
        triggering_user_name: null,
        consumed_asset_events: [],
        partition_key: null,
        partition_date: null,
        note: null,
        team_name: 'blue',
      },
      task_reschedule_count: 0,
      max_tries: 3,
      variables: [],
      connections: [],
      xcom_keys_to_clear: [],
      should_retry: true,
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

  it('is idempotent for the same (hostname, unixname, pid), not for another unixname', async () => {
    const { id, token } = await running(ctx)
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ max_tries: 2, should_retry: true })
    const otherUser = await request(
      tiPath(id, 'run'),
      call(token, 'PATCH', { ...runBody(), unixname: 'root' }),
    )
    expect(otherUser.status).toBe(409)
    expect(await otherUser.json()).toMatchObject({ detail: { previous_state: 'running' } })
  })

  it('creates the dag run of a task instance written without one, and lists XComs to clear', async () => {
    const id = crypto.randomUUID()
    await env.DB.batch([
      env.DB.prepare("INSERT INTO dags (dag_id) VALUES ('bare') ON CONFLICT DO NOTHING"),
      env.DB.prepare(
        "INSERT INTO task_instances (id, dag_id, run_id, task_id, state, try_number, max_tries) VALUES (?, 'bare', ?, 't', 'restarting', 3, 1)",
      ).bind(id, `run-${id}`),
      env.DB.prepare(
        "INSERT INTO xcoms (dag_id, run_id, task_id, key, value) VALUES ('bare', ?, 't', 'return_value', '1')",
      ).bind(`run-${id}`),
    ])
    const res = await request(
      tiPath(id, 'run'),
      call(await tokenFor(issuer, id), 'PATCH', runBody()),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    // Restarting always may retry (Airflow's _is_eligible_to_retry), whatever the tries left.
    expect(body).toMatchObject({
      dag_run: { dag_id: 'bare', run_id: `run-${id}`, run_type: 'manual', state: 'running' },
      xcom_keys_to_clear: ['return_value'],
      should_retry: true,
    })
  })

  it('resumes a deferred task with its next method, kwargs and first start date', async () => {
    const { id, token } = await running(ctx)
    const deferred = await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', {
        state: 'deferred',
        classpath: 'airflow.triggers.temporal.DateTimeTrigger',
        trigger_kwargs: { moment: '2026-01-01T00:10:00Z' },
        trigger_timeout: 'PT10M',
        queue: null,
        next_method: 'execute_complete',
        next_kwargs: { n: 1 },
        rendered_map_index: null,
      }),
    )
    expect(deferred.status).toBe(204)
    const trigger = await env.DB.prepare(
      'SELECT t.classpath, t.kwargs, ti.trigger_timeout FROM task_instances ti JOIN triggers t ON t.id = ti.trigger_id WHERE ti.id = ?',
    )
      .bind(id)
      .first<Record<string, string>>()
    expect(trigger).toMatchObject({
      classpath: 'airflow.triggers.temporal.DateTimeTrigger',
      kwargs: '{"moment":"2026-01-01T00:10:00Z"}',
    })
    // What a triggerer and the scheduler do once the trigger fired.
    await env.DB.prepare("UPDATE task_instances SET state = 'queued' WHERE id = ?").bind(id).run()
    const resumed = await request(
      tiPath(id, 'run'),
      call(token, 'PATCH', { ...runBody(), start_date: '2026-01-01T00:11:00Z' }),
    )
    expect(resumed.status).toBe(200)
    expect(await resumed.json()).toMatchObject({
      next_method: 'execute_complete',
      next_kwargs: { n: 1 },
      start_date: '2026-01-01T00:00:00.000Z',
      xcom_keys_to_clear: [],
    })
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
    expect(detail[0]?.loc).toEqual(['body', 'pid'])
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
    expect(await broken.json()).toMatchObject({ detail: [{ loc: ['body'], type: 'json_invalid' }] })
    // Airflow's models forbid extra fields.
    const extra = await request(tiPath(id, 'run'), call(token, 'PATCH', { ...runBody(), x: 1 }))
    expect(extra.status).toBe(422)
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
    expect(await bad.json()).toMatchObject({ detail: [{ loc: ['body', 'state'] }] })
  })

  it('answers a repeated state with 200 and no body, as Airflow does', async () => {
    const { id, token } = await running(ctx)
    const body = { state: 'success', end_date: '2026-01-01T00:05:00Z' }
    expect((await request(tiPath(id, 'state'), call(token, 'PATCH', body))).status).toBe(204)
    const again = await request(tiPath(id, 'state'), call(token, 'PATCH', body))
    expect(again.status).toBe(200)
    expect(await again.text()).toBe('')
    // Another state after a terminal one is still a conflict.
    const failed = await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', { state: 'failed', end_date: '2026-01-01T00:06:00Z' }),
    )
    expect(failed.status).toBe(409)
  })

  it('takes every payload of the TIStateUpdate union', async () => {
    const end_date = '2026-01-01T00:05:00Z'
    const payloads = [
      { state: 'failed', end_date, rendered_map_index: 'a' },
      { state: 'skipped', end_date },
      { state: 'removed', end_date },
      { state: 'upstream_failed', end_date },
      {
        state: 'up_for_retry',
        end_date,
        rendered_map_index: null,
        retry_delay_seconds: 30,
        retry_reason: 'flaky',
      },
      { state: 'up_for_reschedule', reschedule_date: '2026-01-01T00:10:00Z', end_date },
      { state: 'scheduled' },
      { state: 'queued' },
      { state: 'restarting' },
    ]
    for (const payload of payloads) {
      const { id, token } = await running(ctx)
      const res = await request(tiPath(id, 'state'), call(token, 'PATCH', payload))
      expect(res.status, JSON.stringify(payload)).toBe(204)
      expect((await stateOf(id))?.state).toBe(payload.state)
    }
  })

  it('counts reschedules in the next run context', async () => {
    const { id, token } = await running(ctx)
    const payload = {
      state: 'up_for_reschedule',
      reschedule_date: '2026-01-01T00:10:00Z',
      end_date: '2026-01-01T00:05:00Z',
    }
    expect((await request(tiPath(id, 'state'), call(token, 'PATCH', payload))).status).toBe(204)
    await env.DB.prepare("UPDATE task_instances SET state = 'queued' WHERE id = ?").bind(id).run()
    const res = await request(tiPath(id, 'run'), call(token, 'PATCH', runBody()))
    expect(await res.json()).toMatchObject({
      task_reschedule_count: 1,
      first_task_reschedule_start_date: '2026-01-01T00:00:00.000Z',
    })
  })

  it('refuses awaiting_input, which needs an API the Worker lacks, with 400 unsupported_state', async () => {
    const { id, token } = await running(ctx)
    const res = await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', { state: 'awaiting_input', next_method: 'resume', timeout: null }),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ detail: { reason: 'unsupported_state' } })
    expect((await stateOf(id))?.state).toBe('running')
  })

  it('answers 422 for a payload that does not fit its state, with the field in loc', async () => {
    const { id, token } = await running(ctx)
    const res = await request(
      tiPath(id, 'state'),
      call(token, 'PATCH', { state: 'deferred', classpath: 'x', end_date: '2026-01-01T00:00:00Z' }),
    )
    expect(res.status).toBe(422)
    const { detail } = (await res.json()) as { detail: { loc: unknown[] }[] }
    expect(detail.map((d) => d.loc[0])).toEqual(detail.map(() => 'body'))
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
