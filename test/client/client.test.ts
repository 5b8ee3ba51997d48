import { env } from 'cloudflare:workers'
import { decodeJwt } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { createTaskClient } from '../../src/client/index'
import type { ExecutionApp } from '../../src/execution-api/app'
import { queue, setup } from '../execution-api/helpers'

const ctx = setup()

/** A client whose requests go to the app in this isolate, as they would over the network. */
const clientFor = (token: string, onToken?: (token: string) => void) =>
  createTaskClient<ExecutionApp>('http://localhost', {
    token,
    onToken,
    fetch: async (input, init) => ctx.app.request(input, init, ctx.env),
  })

describe('createTaskClient', () => {
  it('runs a task end to end: workload token → /run → heartbeats across a refresh → success', async () => {
    const id = await queue({ dag_id: `client-${crypto.randomUUID()}` })
    const workload = await ctx.issuer.mint({ sub: id, scope: 'workload' })
    const seen: string[] = []
    const client = clientFor(workload, (t) => seen.push(t))
    const ti = client.api.execution['task-instances'][':task_instance_id']
    const param = { task_instance_id: id }
    const runner = { hostname: 'runner-1', pid: 99 }

    const run = await ti.run.$patch({
      param,
      json: {
        state: 'running',
        unixname: 'airflow',
        start_date: new Date().toISOString(),
        ...runner,
      },
    })
    expect(run.status).toBe(200)
    if (run.status === 200) expect((await run.json()).dag_run.run_id).toBe('manual__1')
    // The workload token was swapped for the execution token /run handed over.
    expect(decodeJwt(client.token)).toMatchObject({ sub: id, scope: 'execution' })
    const execution = client.token

    expect((await ti.heartbeat.$put({ param, json: runner })).status).toBe(204)
    expect(client.token).toBe(execution)

    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      // 500 s into a 600 s token: within the last 120 s, so the next answer carries a new one.
      vi.setSystemTime(Date.now() + 500_000)
      expect((await ti.heartbeat.$put({ param, json: runner })).status).toBe(204)
      expect(client.token).not.toBe(execution)
      expect(decodeJwt(client.token).jti).not.toBe(decodeJwt(execution).jti)
      // Past the first token's expiry, only the refreshed one still works.
      vi.setSystemTime(Date.now() + 200_000)
      expect((await ti.heartbeat.$put({ param, json: runner })).status).toBe(204)
      const done = await ti.state.$patch({
        param,
        json: { state: 'success', end_date: new Date().toISOString() },
      })
      expect(done.status).toBe(204)
    } finally {
      vi.useRealTimers()
    }
    expect(seen).toHaveLength(2)
    const row = await env.DB.prepare('SELECT state FROM task_instances WHERE id = ?')
      .bind(id)
      .first<{ state: string }>()
    expect(row?.state).toBe('success')
  })

  it('keeps its token when no response hands over a new one', async () => {
    const id = await queue()
    const token = await ctx.issuer.mint({ sub: id })
    const client = clientFor(token)
    const res = await client.api.execution.variables[':key'].$get({ param: { key: 'missing' } })
    expect(res.status).toBe(404)
    expect(client.token).toBe(token)
  })

  it('requires a token', () => {
    expect(() => createTaskClient<ExecutionApp>('http://localhost', { token: '' })).toThrow(
      '"token" is required',
    )
  })
})
