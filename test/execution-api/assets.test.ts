import { describe, expect, it } from 'vitest'
import { call, queue, setup, tokenFor } from './helpers'
import { expectPolicy, row, sql } from './surface-helpers'

const ctx = setup()
const { request, issuer } = ctx
const token = await tokenFor(issuer, await queue())

const get = async (path: string) => {
  const res = await request(`/execution${path}`, call(token, 'GET'))
  // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, checked below
  return { status: res.status, body: (await res.json()) as any }
}

/** An asset with fresh names; returns its name, URI and id. */
const asset = async (active = 1) => {
  const name = `a-${crypto.randomUUID()}`
  const uri = `s3://bucket/${name}`
  await sql(
    `INSERT INTO assets (name, uri, extra, active) VALUES (?, ?, '{"k":1}', ?)`,
    name,
    uri,
    active,
  )
  const id = (await row('SELECT id FROM assets WHERE name = ?', name))?.id as number
  return { name, uri, id }
}

const event = (assetId: number, day: number, extra = '{}', partition: string | null = null) =>
  sql(
    `INSERT INTO asset_events (asset_id, extra, timestamp, partition_key, source_dag_id)
     VALUES (?, ?, ?, ?, 'producer')`,
    assetId,
    extra,
    `2026-06-0${day}T00:00:00.000Z`,
    partition,
  )

describe('GET /assets/by-name, /by-uri, /by-alias', () => {
  it('answers an active asset, or 404', async () => {
    const a = await asset()
    const expected = { name: a.name, uri: a.uri, group: 'asset', extra: { k: 1 } }
    expect(await get(`/assets/by-name?name=${a.name}`)).toEqual({ status: 200, body: expected })
    expect(await get(`/assets/by-uri?uri=${encodeURIComponent(a.uri)}`)).toEqual({
      status: 200,
      body: expected,
    })
    const inactive = await asset(0)
    expect(await get(`/assets/by-name?name=${inactive.name}`)).toEqual({
      status: 404,
      body: {
        detail: { reason: 'not_found', message: `Asset with name ${inactive.name} not found` },
      },
    })
    expect((await get('/assets/by-name')).status).toBe(422)
  })

  it('resolves an alias to its assets', async () => {
    const a = await asset()
    const alias = `alias-${crypto.randomUUID()}`
    await sql('INSERT INTO asset_aliases (name) VALUES (?)', alias)
    await sql(
      'INSERT INTO asset_alias_assets (alias_id, asset_id) SELECT id, ? FROM asset_aliases WHERE name = ?',
      a.id,
      alias,
    )
    const res = await get(`/assets/by-alias?alias_name=${alias}`)
    expect(res).toMatchObject({ status: 200, body: [{ name: a.name, uri: a.uri }] })
    expect((await get('/assets/by-alias?alias_name=unknown')).body).toEqual([])
  })
})

describe('GET /asset-events/by-asset and /by-asset-alias', () => {
  it('answers events in time order with every filter', async () => {
    const a = await asset()
    await event(a.id, 1, '{"region":"eu"}', '2026-06-01')
    await event(a.id, 2, '{"region":"us"}', '2026-06-02')
    await event(a.id, 3, '{"region":"eu","n":3}', 'other')
    const base = `/asset-events/by-asset?name=${a.name}`
    const days = async (q: string) =>
      (await get(`${base}${q}`)).body.asset_events.map((e: { timestamp: string }) =>
        Number(e.timestamp.slice(9, 10)),
      )
    expect(await days('')).toEqual([1, 2, 3])
    // As the SDK sends it: the identifier it lacks as an empty value.
    const byUri = `/asset-events/by-asset?name=&uri=${encodeURIComponent(a.uri)}`
    expect((await get(byUri)).body.asset_events).toHaveLength(3)
    expect(await days('&ascending=false&limit=2')).toEqual([3, 2])
    expect(await days('&after=2026-06-02T00:00:00Z&before=2026-06-02T12:00:00Z')).toEqual([2])
    expect(await days('&partition_key=other')).toEqual([3])
    expect(await days('&partition_key_regexp_pattern=2026-06-0[12]')).toEqual([1, 2])
    expect(await days('&extra=region%3Deu')).toEqual([1, 3])
    expect(await days('&extra=region%3Deu&extra=n%3D3')).toEqual([3])
    const first = (await get(base)).body.asset_events[0]
    expect(first).toEqual({
      id: expect.any(Number),
      timestamp: '2026-06-01T00:00:00.000Z',
      extra: { region: 'eu' },
      asset: { name: a.name, uri: a.uri, group: 'asset', extra: { k: 1 } },
      created_dagruns: [],
      source_task_id: null,
      source_dag_id: 'producer',
      source_run_id: null,
      source_map_index: null,
      partition_key: '2026-06-01',
    })
  })

  it('finds an inactive asset’s events only by name and URI together', async () => {
    const a = await asset(0)
    await event(a.id, 1)
    expect((await get(`/asset-events/by-asset?name=${a.name}`)).body.asset_events).toEqual([])
    const both = `/asset-events/by-asset?name=${a.name}&uri=${encodeURIComponent(a.uri)}`
    expect((await get(both)).body.asset_events).toHaveLength(1)
  })

  it('answers events emitted through an alias', async () => {
    const a = await asset()
    const alias = `alias-${crypto.randomUUID()}`
    await sql('INSERT INTO asset_aliases (name) VALUES (?)', alias)
    await event(a.id, 1)
    await event(a.id, 2)
    await sql(
      `INSERT INTO asset_event_aliases (event_id, alias_id)
       SELECT MAX(e.id), l.id FROM asset_events e, asset_aliases l WHERE e.asset_id = ? AND l.name = ?`,
      a.id,
      alias,
    )
    const res = await get(`/asset-events/by-asset-alias?name=${alias}`)
    expect(res.body.asset_events).toHaveLength(1)
    expect(res.body.asset_events[0].timestamp).toBe('2026-06-02T00:00:00.000Z')
  })

  it('answers 400 without name or URI, 422 for a bad pattern or extra', async () => {
    expect(await get('/asset-events/by-asset')).toEqual({
      status: 400,
      body: {
        detail: { reason: 'Missing parameter', message: 'name and uri cannot both be None' },
      },
    })
    expect((await get('/asset-events/by-asset?name=x&partition_key_regexp_pattern=(')).status).toBe(
      422,
    )
    expect((await get('/asset-events/by-asset?name=x&extra=novalue')).status).toBe(422)
    expect((await get('/asset-events/by-asset-alias')).status).toBe(422)
  })

  it('refuses workload tokens', async () => {
    await expectPolicy(ctx, 'GET', () => '/execution/assets/by-name?name=x')
    await expectPolicy(ctx, 'GET', () => '/execution/asset-events/by-asset?name=x')
    await expectPolicy(ctx, 'GET', () => '/execution/asset-events/by-asset-alias?name=x')
  })
})
