import { describe, expect, it } from 'vitest'
import { call, queue, setup, tokenFor } from './helpers'
import { expectPolicy } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

const send = async (method: string, id: string, body?: unknown) => {
  const res = await request(`/execution/hitlDetails/${id}`, call(token, method, body))
  return { status: res.status, body: (await res.json()) as { detail: { reason: string } } }
}

const ask = (id: string) => ({
  ti_id: id,
  options: ['approve', 'reject'],
  subject: 'Ship it?',
  type: 'CreateHITLDetailPayload',
})

describe('/hitlDetails/{task_instance_id}', () => {
  it('creates the request (201), answers it once (200, then 409), reads the response', async () => {
    const id = await queue()
    expect(await send('POST', id, ask(id))).toEqual({
      status: 201,
      body: {
        ti_id: id,
        options: ['approve', 'reject'],
        subject: 'Ship it?',
        body: null,
        defaults: null,
        multiple: false,
        params: {},
        assigned_users: [],
      },
    })
    expect(await send('GET', id)).toEqual({
      status: 200,
      body: {
        response_received: false,
        responded_by_user: null,
        responded_at: null,
        chosen_options: null,
        params_input: {},
      },
    })
    const answer = { ti_id: id, chosen_options: ['approve'], params_input: { note: 'ok' } }
    const first = await send('PATCH', id, answer)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ response_received: true, chosen_options: ['approve'] })
    expect(await send('PATCH', id, answer)).toEqual({
      status: 409,
      body: { detail: `Human-in-the-loop detail for Task Instance with id ${id} already exists.` },
    })
    expect((await send('GET', id)).body).toMatchObject({ params_input: { note: 'ok' } })
    // Asking again (a cleared task) keeps the request and drops the response.
    expect((await send('POST', id, ask(id))).status).toBe(201)
    expect((await send('GET', id)).body).toMatchObject({ response_received: false })
  })

  it('records one of two racing answers; the other gets 409', async () => {
    const id = await queue()
    await send('POST', id, ask(id))
    const both = await Promise.all(
      ['approve', 'reject'].map((o) => send('PATCH', id, { ti_id: id, chosen_options: [o] })),
    )
    expect(both.map((r) => r.status).sort()).toEqual([200, 409])
  })

  it('answers 404 without a detail (or task instance) and 422 for a bad body', async () => {
    const id = await queue()
    const missing = await send('GET', id)
    expect(missing.status).toBe(404)
    expect(missing.body.detail.reason).toBe('not_found')
    const answer = { ti_id: id, chosen_options: ['a'] }
    expect((await send('PATCH', id, answer)).status).toBe(404)
    const ghost = crypto.randomUUID()
    expect((await send('POST', ghost, ask(ghost))).status).toBe(404)
    expect((await send('POST', id, { ...ask(id), options: [] })).status).toBe(422)
    expect((await send('PATCH', id, { ti_id: id, chosen_options: [] })).status).toBe(422)
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', (id) => `/execution/hitlDetails/${id}`)
  })
})
