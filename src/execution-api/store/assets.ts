import type { EventFilters } from '../models/assets'

// Assets, aliases and asset events (migration 0003). Only active assets are found by name or by
// URI, as Airflow's `AssetModel.active.has()` filters them.

export interface AssetRow {
  id: number
  name: string
  uri: string
  group: string
  /** JSON text. */
  extra: string
}

const select = 'SELECT a.id, a.name, a.uri, a."group", a.extra FROM assets a'

export const assetByName = (db: D1Database, name: string) =>
  db
    .prepare(`${select} WHERE a.name = ? AND a.active = 1 ORDER BY a.id LIMIT 1`)
    .bind(name)
    .first<AssetRow>()

export const assetByUri = (db: D1Database, uri: string) =>
  db
    .prepare(`${select} WHERE a.uri = ? AND a.active = 1 ORDER BY a.id LIMIT 1`)
    .bind(uri)
    .first<AssetRow>()

/** The assets an alias resolved to (none for an unknown alias). */
export const assetsByAlias = async (db: D1Database, alias: string) => {
  const { results } = await db
    .prepare(
      `${select} JOIN asset_alias_assets m ON m.asset_id = a.id
       JOIN asset_aliases l ON l.id = m.alias_id WHERE l.name = ? ORDER BY a.id`,
    )
    .bind(alias)
    .all<AssetRow>()
  return results
}

/** An asset as `AssetResponse` carries it. */
export const assetOf = (row: AssetRow) => ({
  name: row.name,
  uri: row.uri,
  group: row.group,
  extra: JSON.parse(row.extra) as Record<string, never>,
})

export interface EventRow extends AssetRow {
  event_id: number
  timestamp: string
  event_extra: string
  source_task_id: string | null
  source_dag_id: string | null
  source_run_id: string | null
  source_map_index: number | null
  partition_key: string | null
}

/** Which events: of an asset (by name and/or URI), or emitted through an alias. */
export type EventsOf = { name?: string | undefined; uri?: string | undefined } | { alias: string }

/**
 * Asset events by timestamp. The time range and exact partition key are filtered in SQL; the
 * partition key pattern (a JavaScript regular expression, matched at the start as Python's
 * `re.match`) and `extra` (`key=value`: the event's `extra[key]` as text) after, then `limit`.
 */
export const findAssetEvents = async (db: D1Database, of: EventsOf, f: EventFilters) => {
  const clauses: string[] = []
  const values: unknown[] = []
  const add = (clause: string, value: unknown) => {
    clauses.push(clause)
    values.push(value)
  }
  let join = ''
  if ('alias' in of) {
    join = `JOIN asset_event_aliases ea ON ea.event_id = e.id
      JOIN asset_aliases l ON l.id = ea.alias_id`
    add('l.name = ?', of.alias)
  } else {
    if (of.name !== undefined) add('a.name = ?', of.name)
    if (of.uri !== undefined) add('a.uri = ?', of.uri)
    // Both given: the asset itself, active or not; one alone: only an active asset.
    if (of.name === undefined || of.uri === undefined) clauses.push('a.active = 1')
  }
  if (f.after) add('e.timestamp >= ?', f.after)
  if (f.before) add('e.timestamp <= ?', f.before)
  if (f.partition_key !== undefined) add('e.partition_key = ?', f.partition_key)
  const { results } = await db
    .prepare(
      `SELECT a.id, a.name, a.uri, a."group", a.extra, e.id AS event_id, e.timestamp,
         e.extra AS event_extra, e.source_task_id, e.source_dag_id, e.source_run_id,
         e.source_map_index, e.partition_key
       FROM asset_events e JOIN assets a ON a.id = e.asset_id ${join}
       WHERE ${clauses.join(' AND ') || '1'}
       ORDER BY e.timestamp ${f.ascending ? 'ASC' : 'DESC'}, e.id ${f.ascending ? 'ASC' : 'DESC'}`,
    )
    .bind(...values)
    .all<EventRow>()
  const pattern = f.partition_key_regexp_pattern
  const re = pattern === undefined ? null : new RegExp(`^(?:${pattern})`)
  const pairs = (f.extra ?? []).map((kv) => [
    kv.slice(0, kv.indexOf('=')),
    kv.slice(kv.indexOf('=') + 1),
  ])
  const kept = results.filter((e) => {
    if (re && (e.partition_key === null || !re.test(e.partition_key))) return false
    const extra = JSON.parse(e.event_extra) as Record<string, unknown>
    return pairs.every(([k, v]) => k !== undefined && k in extra && textOf(extra[k]) === v)
  })
  return f.limit ? kept.slice(0, f.limit) : kept
}

const textOf = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

/** An event as `AssetEventResponse` carries it (no dag runs are created by events here). */
export const eventOf = (e: EventRow) => ({
  id: e.event_id,
  timestamp: e.timestamp,
  extra: JSON.parse(e.event_extra) as Record<string, never>,
  asset: assetOf(e),
  created_dagruns: [] as never[],
  source_task_id: e.source_task_id,
  source_dag_id: e.source_dag_id,
  source_run_id: e.source_run_id,
  source_map_index: e.source_map_index,
  partition_key: e.partition_key,
})
