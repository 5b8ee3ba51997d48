import { describe, expect, it } from 'vitest'
import { airflowVersions } from '../../src/execution-api/versions/index'
import { call, queue, runBody, setup, tiPath, tokenFor } from './helpers'

// Airflow's bundle on the real Worker: each row is a field or endpoint one version added, seen
// from that version (present) and the one before it (absent). Adding a version adds rows here.

const ctx = setup()
const dates = airflowVersions.map((v) => v.date).sort()

/** Starts a queued task as a client of `version`; answers the run context. */
const start = async (version: string) => {
  const id = await queue()
  const token = await tokenFor(ctx.issuer, id)
  const init = call(token, 'PATCH', runBody())
  const res = await ctx.request(tiPath(id, 'run'), {
    ...init,
    headers: { ...init.headers, 'airflow-api-version': version },
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('airflow-api-version')).toBe(version)
  return { id, token, context: (await res.json()) as Record<string, Record<string, unknown>> }
}

const previous = (date: string) => dates[dates.indexOf(date) - 1] as string

type Schema = { title?: unknown; properties?: Record<string, unknown> }

/** Every schema titled `model` in an OpenAPI document. */
const schemasTitled = (node: unknown, model: string, found: Schema[] = []): Schema[] => {
  if (typeof node !== 'object' || node === null) return found
  if ((node as Schema).title === model && (node as Schema).properties) found.push(node as Schema)
  for (const value of Object.values(node)) schemasTitled(value, model, found)
  return found
}

describe('Airflow-API-Version on the Worker', () => {
  it('serves every version of the bundle, newest without the header', async () => {
    expect(dates[0]).toBe('2025-04-11')
    const res = await ctx.request('/execution/health')
    expect(res.headers.get('airflow-api-version')).toBe(dates.at(-1))
  })

  const fieldRows: [date: string, where: 'dag_run' | 'context', field: string][] = [
    ['2025-08-10', 'dag_run', 'state'],
    ['2025-11-05', 'dag_run', 'triggering_user_name'],
    ['2026-04-06', 'dag_run', 'partition_key'],
    ['2026-04-06', 'dag_run', 'note'],
    ['2026-06-30', 'dag_run', 'team_name'],
    ['2026-06-30', 'dag_run', 'partition_date'],
  ]
  it.each(fieldRows)(
    '%s adds %s.%s: present from it on, absent before',
    async (date, where, field) => {
      const pick = (context: Record<string, Record<string, unknown>>) =>
        where === 'dag_run' ? context.dag_run : context
      expect(pick((await start(date)).context)).toHaveProperty(field)
      expect(pick((await start(previous(date))).context)).not.toHaveProperty(field)
    },
  )

  it('gives clients before 2026-04-06 the fields they require: upstream_map_indexes, a start_date', async () => {
    const { context } = await start('2025-11-05')
    expect(context.upstream_map_indexes).toBeNull()
    expect(typeof context.dag_run?.start_date).toBe('string')
    // Before 2025-10-27 a run's conf is never null.
    expect(context.dag_run?.conf).toBeNull()
    expect((await start('2025-09-23')).context.dag_run?.conf).toEqual({})
    const { context: current } = await start('2026-04-06')
    expect(current).not.toHaveProperty('upstream_map_indexes')
  })

  it('refuses a request field the client version did not have (extra_forbidden), accepts it after', async () => {
    const retry = { state: 'up_for_retry', end_date: '2026-01-01T00:00:01Z', retry_reason: 'flaky' }
    const send = async (version: string) => {
      const { id, token } = await start(version)
      const init = call(token, 'PATCH', retry)
      return ctx.request(tiPath(id, 'state'), {
        ...init,
        headers: { ...init.headers, 'airflow-api-version': version },
      })
    }
    const old = await send('2026-04-06')
    expect(old.status).toBe(422)
    expect(await old.json()).toEqual({
      detail: [
        {
          type: 'extra_forbidden',
          loc: ['body', 'retry_reason'],
          msg: 'Extra inputs are not permitted',
          input: 'flaky',
        },
      ],
    })
    expect((await send('2026-06-30')).status).toBe(204)
  })

  const endpointRows: [date: string, method: string, path: string][] = [
    ['2026-04-06', 'GET', '/execution/dag-runs/some-dag/some-run'],
    ['2026-06-30', 'GET', '/execution/assets/by-alias?alias_name=a'],
    ['2026-10-30', 'PATCH', `/execution/callbacks/${crypto.randomUUID()}/run`],
  ]
  it.each(endpointRows)('%s adds %s %s: 404 "Not Found" before it', async (date, method, path) => {
    const res = await ctx.request(path, {
      method,
      headers: { 'airflow-api-version': previous(date) },
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not Found' })
    expect(res.headers.get('airflow-api-version')).toBe(previous(date))
  })

  it('serves the previous dag run at the path each version had (moved in 2026-04-06)', async () => {
    const { token } = await start('2026-06-30')
    const ask = (version: string, path: string) =>
      ctx.request(`/execution/dag-runs/${path}`, {
        headers: { ...call(token, 'GET').headers, 'airflow-api-version': version },
      })
    const when = encodeURIComponent(new Date(Date.now() + 60_000).toISOString())
    const byDag = await ask('2025-08-10', `some-dag/previous?logical_date=${when}`)
    expect(byDag.status).toBe(200)
    expect(await byDag.json()).toBeNull()
    const byQuery = await ask('2026-04-06', `previous?dag_id=some-dag&logical_date=${when}`)
    expect(byQuery.status).toBe(200)
    // Before it existed, and at its old path once moved: 404.
    expect((await ask('2025-05-20', `some-dag/previous?logical_date=${when}`)).status).toBe(404)
    expect((await ask('2025-11-05', `previous?dag_id=some-dag&logical_date=${when}`)).status).toBe(
      404,
    )
  })

  it('answers 404 on versioned routes for a date before the first, echoing it; 422 for no date', async () => {
    const early = await ctx.request('/execution/variables/x', {
      headers: { 'airflow-api-version': '2025-01-01' },
    })
    expect(early.status).toBe(404)
    expect(early.headers.get('airflow-api-version')).toBe('2025-01-01')
    const bad = await ctx.request('/execution/health', {
      headers: { 'airflow-api-version': 'latest' },
    })
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({
      detail: [{ loc: ['header', 'airflow-api-version'], type: 'date_from_datetime_parsing' }],
    })
  })

  it('names the version on error answers too', async () => {
    const res = await ctx.request(tiPath(crypto.randomUUID(), 'run'), { method: 'PATCH' })
    expect(res.status).toBe(401)
    expect(res.headers.get('airflow-api-version')).toBe(dates.at(-1))
  })

  it('serves the OpenAPI document of the version asked for', async () => {
    const doc = async (query: string, header?: string) =>
      ctx.request(`/execution/openapi.json${query}`, {
        headers: header ? { 'airflow-api-version': header } : {},
      })
    const newest = (await (await doc('')).json()) as { info: { version: string } }
    expect(newest.info.version).toBe(dates.at(-1))
    const older = (await (await doc('?version=2025-05-20')).json()) as typeof newest
    expect(older.info.version).toBe('2025-05-20')
    const fromHeader = (await (await doc('', '2025-09-01')).json()) as typeof newest
    expect(fromHeader.info.version).toBe('2025-08-10')
    const text = JSON.stringify(older)
    expect(text).not.toContain('team_name')
    expect(JSON.stringify(newest)).toContain('team_name')
    // Head models carry every field Airflow's have; each version's document only its own.
    const props = async (version: string, model: string) => {
      const text = await (await doc(`?version=${version}`)).text()
      const found = schemasTitled(JSON.parse(text), model)
      expect(found.length).toBeGreaterThan(0)
      return Object.keys(found[0]?.properties ?? {})
    }
    expect(await props('2026-10-30', 'TIRunContext')).toContain('arg_bindings')
    expect(await props('2026-06-30', 'TIRunContext')).not.toContain('arg_bindings')
    expect(await props('2026-06-30', 'DagRun')).toContain('partition_date')
    expect(await props('2026-04-06', 'DagRun')).not.toContain('partition_date')
    expect((await doc('?version=soon')).status).toBe(422)
    expect((await doc('?version=2020-01-01')).status).toBe(404)
  })
})
