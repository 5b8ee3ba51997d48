// The Worker on D1 before any handler: body limit (no size of body is a 5xx, 60 MB included), 405
// with Allow on a known path, 415 without a JSON Content-Type; and, with no signing key, a /run
// that cannot exchange takes execution tokens only.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/execution-api/app'
import { call, queue, setup, tiPath, tokenFor } from './helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())
const MiB = 1024 * 1024

const putVariable = (key: string, body: string, headers: Record<string, string> = {}) =>
  request(`/execution/variables/${key}`, {
    method: 'PUT',
    body,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...headers,
    },
  })

describe('request bodies', () => {
  it('a 60 MB variable is 413 with a detail, not a D1 error', async () => {
    const res = await putVariable('big', `{"value":"${'x'.repeat(60 * MiB)}"}`)
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ detail: 'Request body too large: at most 1048576 bytes' })
    expect((await request('/execution/variables/big', call(token, 'GET'))).status).toBe(404)
  })

  it('a value just under the limit is stored and read back', async () => {
    const value = 'v'.repeat(MiB - 64)
    expect((await putVariable('large', JSON.stringify({ value }))).status).toBe(201)
    const res = await request('/execution/variables/large', call(token, 'GET'))
    expect(res.status).toBe(200)
    expect(((await res.json()) as { value: string }).value.length).toBe(value.length)
  })

  it('no size of body is a 5xx', async () => {
    for (const size of [0, 100, MiB, MiB + 1, 2 * MiB, 8 * MiB]) {
      const res = await putVariable('sized', `{"value":"${'x'.repeat(size)}"}`)
      expect(res.status, `${size} bytes`).toBeLessThan(500)
    }
  })

  it('JSON without Content-Type: application/json is 415, naming the type', async () => {
    const res = await putVariable('typed', '{"value":"v"}', { 'content-type': 'text/plain' })
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({
      detail:
        "Unsupported Media Type: Content-Type 'text/plain'; this route takes application/json",
    })
  })
})

describe('a method the path does not serve', () => {
  it('405 with Allow, as FastAPI answers', async () => {
    const health = await request('/execution/health', { method: 'POST' })
    expect(health.status).toBe(405)
    expect(health.headers.get('allow')).toBe('GET, HEAD')
    expect(await health.json()).toEqual({ detail: 'Method Not Allowed' })

    const id = await queue()
    const beat = await request(tiPath(id, 'heartbeat'), call(token, 'GET'))
    expect(beat.status).toBe(405)
    expect(beat.headers.get('allow')).toBe('PUT')
    const variables = await request('/execution/variables/x', call(token, 'POST', {}))
    expect(variables.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE')
    expect((await request('/execution/nowhere', { method: 'POST' })).status).toBe(404)
  })
})

describe('the Worker without a signing key', () => {
  it('builds its table with /run for execution tokens only: it cannot exchange', async () => {
    const app = createApp({ ...env })
    const run = app.table.routes.find((r) => r.path.endsWith('/run'))
    expect(run?.exchange).toBe(false)
    expect(run?.tokenTypes).toEqual(['execution'])
    // With a key, the same route takes both and exchanges.
    const withKey = ctx.app.table.routes.find((r) => r.path.endsWith('/run'))
    expect(withKey?.tokenTypes).toEqual(['execution', 'workload'])
    expect(withKey?.exchange).toBe(true)
  })
})
