import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { ApiVersion } from '../../src/execution-api/versions/change'
import { createEngine } from '../../src/execution-api/versions/engine'
import { versionedFetch } from '../../src/execution-api/versions/versioned'

// The engine on a made-up bundle and a head app that knows nothing of versions: what Cadwyn
// promises, one instruction kind at a time.

const bundle: ApiVersion[] = [
  { date: '2024-01-01', changes: [] },
  {
    date: '2024-02-01',
    changes: [
      {
        name: 'AddColour',
        description: 'Thing.colour appears',
        instructions: [{ kind: 'field-added', model: 'Thing', field: 'colour' }],
      },
    ],
  },
  {
    date: '2024-03-01',
    changes: [
      {
        name: 'RenameSize',
        description: 'Order.size was Order.amount',
        instructions: [
          { kind: 'field-renamed', model: 'Order', field: 'size', older: 'amount' },
          { kind: 'endpoint-added', method: 'GET', path: '/things/{id}/parts' },
          { kind: 'endpoint-moved', method: 'GET', path: '/lookup', older: '/lookup/{name}' },
        ],
      },
    ],
  },
]

const endpoints = [
  { method: 'GET', path: '/things/{id}', response: 'Box' },
  { method: 'POST', path: '/orders', request: 'Order', response: 'Order' },
]
const nested = { Box: { thing: 'Thing' } }

const head = new Hono()
head.get('/api/things/:id', (c) => c.json({ thing: { id: c.req.param('id'), colour: 'red' } }))
head.get('/api/things/:id/parts', (c) => c.json(['a', 'b']))
head.get('/api/lookup', (c) => c.json({ name: c.req.query('name') ?? null }))
head.post('/api/orders', async (c) => c.json(await c.req.json(), 201))
// An answer whose headers cannot change (a redirect's are immutable, as a fetched answer's).
head.get('/api/elsewhere', () => Response.redirect('http://localhost/api/things/1', 302))

const engine = createEngine(bundle, endpoints, nested)
const fetch = versionedFetch(
  { dates: () => engine.dates, engine: () => engine },
  '/api',
  head.fetch,
)
const call = (path: string, version?: string, init: RequestInit = {}) =>
  fetch(
    new Request(`http://localhost/api${path}`, {
      ...init,
      headers: { ...(version ? { 'airflow-api-version': version } : {}), ...init.headers },
    }),
  )

describe('version engine', () => {
  it('drops a field added in X from answers to X−1, keeps it for X, nested models included', async () => {
    const before = await call('/things/7', '2024-01-01')
    expect(await before.json()).toEqual({ thing: { id: '7' } })
    const at = await call('/things/7', '2024-02-01')
    expect(await at.json()).toEqual({ thing: { id: '7', colour: 'red' } })
  })

  it('answers 404 to clients older than an endpoint, serves it from its version on', async () => {
    const older = await call('/things/7/parts', '2024-02-01')
    expect(older.status).toBe(404)
    expect(await older.json()).toEqual({ detail: 'Not Found' })
    expect((await call('/things/7/parts', '2024-03-01')).status).toBe(200)
  })

  it('migrates a request body up to head and the answer back down', async () => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 3 }),
    }
    const res = await call('/orders', '2024-02-01', init)
    expect(res.status).toBe(201)
    // Head saw `size` (it echoes what it got); the old client reads `amount` again.
    expect(await res.json()).toEqual({ amount: 3 })
    const current = await call('/orders', '2024-03-01', { ...init, body: '{"size":3}' })
    expect(await current.json()).toEqual({ size: 3 })
  })

  it('serves a moved endpoint at its old path, path parameters moved to the query', async () => {
    expect(await (await call('/lookup/abc', '2024-02-01')).json()).toEqual({ name: 'abc' })
    expect((await call('/lookup', '2024-02-01')).status).toBe(404)
    expect(await (await call('/lookup?name=x', '2024-03-01')).json()).toEqual({ name: 'x' })
  })

  it('picks as Cadwyn does and echoes the version served', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, '2024-03-01'],
      ['2024-03-01', '2024-03-01'],
      ['2099-12-31', '2024-03-01'],
      ['2024-02-15', '2024-02-01'],
    ]
    for (const [asked, served] of cases) {
      const res = await call('/things/1', asked)
      expect(res.status).toBe(200)
      expect(res.headers.get('airflow-api-version')).toBe(served)
    }
    const early = await call('/things/1', '2023-12-31')
    expect(early.status).toBe(404)
    expect(early.headers.get('airflow-api-version')).toBe('2023-12-31')
  })

  it('echoes the version on an answer whose headers are immutable, newest and older alike', async () => {
    for (const [asked, served] of [
      [undefined, '2024-03-01'],
      ['2024-02-01', '2024-02-01'],
    ] as const) {
      const res = await call('/elsewhere', asked)
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('http://localhost/api/things/1')
      expect(res.headers.get('airflow-api-version')).toBe(served)
    }
  })

  it('answers 422 on the header for a value that is not a date', async () => {
    for (const asked of ['latest', '2024-02-30', '20240201']) {
      const res = await call('/things/1', asked)
      expect(res.status).toBe(422)
      expect(await res.json()).toEqual({
        detail: [
          {
            type: 'date_from_datetime_parsing',
            loc: ['header', 'airflow-api-version'],
            msg: 'Input should be a valid date in the format YYYY-MM-DD',
            input: asked,
          },
        ],
      })
    }
  })
})
