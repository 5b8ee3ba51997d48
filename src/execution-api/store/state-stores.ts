// The task state store, scoped as Airflow's `TaskScope` (dag, run, task, map index of the task
// instance), and the asset state store, one namespace per asset. Values are JSON text; a task
// value past its `expires_at` reads as absent.

/** The scope of a task instance, or `null` when it does not exist. */
const scopeOf = (db: D1Database, id: string) =>
  db
    .prepare('SELECT dag_id, run_id, task_id, map_index FROM task_instances WHERE id = ?')
    .bind(id)
    .first<{ dag_id: string; run_id: string; task_id: string; map_index: number }>()

const scoped = 'dag_id = ? AND run_id = ? AND task_id = ? AND map_index = ?'

export type Scoped<T> = { ti: false } | { ti: true; result: T }

/** Runs `f` with the task instance's scope values, or answers that it does not exist. */
const withScope = async <T>(
  db: D1Database,
  id: string,
  f: (scope: unknown[]) => Promise<T>,
): Promise<Scoped<T>> => {
  const s = await scopeOf(db, id.toLowerCase())
  if (!s) return { ti: false }
  return { ti: true, result: await f([s.dag_id, s.run_id, s.task_id, s.map_index]) }
}

export const getTaskValue = (db: D1Database, id: string, key: string, now: string) =>
  withScope(db, id, async (scope) => {
    const row = await db
      .prepare(
        `SELECT value FROM task_state_store WHERE ${scoped} AND key = ?
           AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .bind(...scope, key, now)
      .first<{ value: string }>()
    return row ? { value: JSON.parse(row.value) as unknown } : null
  })

export const putTaskValue = (
  db: D1Database,
  id: string,
  key: string,
  put: { value: unknown; expires_at?: string | null | undefined },
  now: string,
) =>
  withScope(db, id, (scope) =>
    db
      .prepare(
        `INSERT INTO task_state_store (dag_id, run_id, task_id, map_index, key, value, expires_at,
           updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dag_id, run_id, task_id, map_index, key) DO UPDATE SET
           value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      )
      .bind(...scope, key, JSON.stringify(put.value), put.expires_at ?? null, now)
      .run(),
  )

export const deleteTaskValue = (db: D1Database, id: string, key: string) =>
  withScope(db, id, (scope) =>
    db
      .prepare(`DELETE FROM task_state_store WHERE ${scoped} AND key = ?`)
      .bind(...scope, key)
      .run(),
  )

/** Every key of the task instance's map index, or of every map index of its task. */
export const clearTaskValues = (db: D1Database, id: string, allMapIndices: boolean) =>
  withScope(db, id, (scope) =>
    db
      .prepare(
        `DELETE FROM task_state_store WHERE dag_id = ? AND run_id = ? AND task_id = ?
           AND (? OR map_index = ?)`,
      )
      .bind(scope[0], scope[1], scope[2], allMapIndices ? 1 : 0, scope[3])
      .run(),
  )

/** An active asset's id, by name or by URI. */
export const activeAssetId = async (db: D1Database, by: { name: string } | { uri: string }) => {
  const [column, value] = 'name' in by ? ['name', by.name] : ['uri', by.uri]
  const row = await db
    .prepare(`SELECT id FROM assets WHERE ${column} = ? AND active = 1 ORDER BY id LIMIT 1`)
    .bind(value)
    .first<{ id: number }>()
  return row?.id ?? null
}

export const getAssetValue = async (db: D1Database, assetId: number, key: string) => {
  const row = await db
    .prepare('SELECT value FROM asset_state_store WHERE asset_id = ? AND key = ?')
    .bind(assetId, key)
    .first<{ value: string }>()
  return row ? { value: JSON.parse(row.value) as unknown } : null
}

export const putAssetValue = (
  db: D1Database,
  assetId: number,
  key: string,
  value: unknown,
  now: string,
) =>
  db
    .prepare(
      `INSERT INTO asset_state_store (asset_id, key, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_id, key) DO UPDATE SET value = excluded.value,
         updated_at = excluded.updated_at`,
    )
    .bind(assetId, key, JSON.stringify(value), now)
    .run()

/** Deletes one key (`key` given) or every key of the asset. */
export const deleteAssetValues = (db: D1Database, assetId: number, key?: string) =>
  db
    .prepare('DELETE FROM asset_state_store WHERE asset_id = ? AND (? IS NULL OR key = ?)')
    .bind(assetId, key ?? null, key ?? null)
    .run()
