// The README's example is this repository's test/readme-example.ts, verbatim: tsc checks it, this runs it.
import { describe, expect, it } from 'vitest'
import readme from '../README.md?raw'
import { createIssuer, generateSigningJwk } from '../src/index'
import { makeApp } from './readme-example'
import example from './readme-example.ts?raw'

describe('README example', () => {
  it('is in the README word for word', () => {
    expect(readme).toContain(example.trim())
  })

  it("imports zod as a namespace, as the README's Deploying section advises", () => {
    expect(example).toContain("import * as z from 'zod'")
    expect(example).not.toContain("import { z } from 'zod'")
  })

  it('runs: a workload token is accepted by /run alone and exchanged', async () => {
    const jwk = JSON.stringify(await generateSigningJwk())
    const app = makeApp(jwk)
    const id = crypto.randomUUID()
    const workload = await createIssuer({ privateJwk: jwk }).mint({ sub: id, scope: 'workload' })
    const headers = { authorization: `Bearer ${workload}`, 'content-type': 'application/json' }
    const heartbeat = await app.request(`/execution/task-instances/${id}/heartbeat`, {
      method: 'PUT',
      headers,
    })
    expect(heartbeat.status).toBe(403)
    const run = await app.request(`/execution/task-instances/${id}/run`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ hostname: 'h', pid: 1 }),
    })
    expect(run.status).toBe(200)
    expect(await run.json()).toEqual({ ti: id, pid: 1 })
    const execution = run.headers.get('refreshed-api-token') ?? ''
    const again = await app.request(`/execution/task-instances/${id}/heartbeat`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${execution}` },
    })
    expect(again.status).toBe(204)
  })
})
