import { describe, expect, it } from 'vitest'
import { call, setup, tokenFor } from './helpers'

const ctx = setup()
const { request, issuer } = ctx

describe('connection tests and callbacks (none exist in this Worker)', () => {
  it('answer Airflow’s 404 for an unknown connection test, after validation', async () => {
    const id = crypto.randomUUID()
    const token = await tokenFor(issuer, id)
    const get = await request(`/execution/connection-tests/${id}/connection`, call(token, 'GET'))
    expect(get.status).toBe(404)
    expect(await get.json()).toEqual({
      detail: { reason: 'not_found', message: `Connection test ${id} not found` },
    })
    const result = { state: 'success', result_message: 'ok' }
    const patch = await request(`/execution/connection-tests/${id}`, call(token, 'PATCH', result))
    expect(patch.status).toBe(404)
    const workload = await tokenFor(issuer, id, { scope: 'workload' })
    const bad = { state: 'done' }
    const invalid = await request(`/execution/connection-tests/${id}`, call(workload, 'PATCH', bad))
    expect(invalid.status).toBe(422)
  })

  it('refuse a token for another connection test, and workload tokens where Airflow does', async () => {
    const id = crypto.randomUUID()
    const other = await tokenFor(issuer, crypto.randomUUID())
    const res = await request(`/execution/connection-tests/${id}/connection`, call(other, 'GET'))
    expect(res.status).toBe(403)
    const workload = await tokenFor(issuer, id, { scope: 'workload' })
    const get = await request(`/execution/connection-tests/${id}/connection`, call(workload, 'GET'))
    expect(get.status).toBe(403)
  })

  it('answer Airflow’s 404 for an unknown callback, for its own token only', async () => {
    const id = crypto.randomUUID()
    const token = await tokenFor(issuer, id, { scope: 'workload' })
    const res = await request(`/execution/callbacks/${id}/run`, call(token, 'PATCH'))
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      detail: { reason: 'not_found', message: 'Callback not found' },
    })
    expect(res.headers.get('refreshed-api-token')).toBeNull()
    const other = await tokenFor(issuer, crypto.randomUUID())
    expect((await request(`/execution/callbacks/${id}/run`, call(other, 'PATCH'))).status).toBe(403)
  })
})
