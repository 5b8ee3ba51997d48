// Connections, variables and XComs. `team` is '' for rows outside any team; with a team, a row of
// that team wins over a team-less row of the same name, and rows of other teams are never seen.

export interface ConnectionRow {
  conn_id: string
  conn_type: string
  host: string | null
  schema: string | null
  login: string | null
  password: string | null
  port: number | null
  extra: string | null
}

const teams = (team: string | null) => (team ? [team, ''] : [''])
// Placeholders for `team IN (…)`, then `ORDER BY team = ''` puts the team's own row first.
const teamClause = (team: string | null) =>
  `team IN (${teams(team)
    .map(() => '?')
    .join(', ')})`

export const getConnection = (db: D1Database, connId: string, team: string | null) =>
  db
    .prepare(
      `SELECT conn_id, conn_type, host, schema, login, password, port, extra FROM connections
       WHERE conn_id = ? AND ${teamClause(team)} ORDER BY team = '' LIMIT 1`,
    )
    .bind(connId, ...teams(team))
    .first<ConnectionRow>()

export const getVariable = (db: D1Database, key: string, team: string | null) =>
  db
    .prepare(
      `SELECT key, value FROM variables WHERE key = ? AND ${teamClause(team)}
       ORDER BY team = '' LIMIT 1`,
    )
    .bind(key, ...teams(team))
    .first<{ key: string; value: string }>()

/** Sets a variable of the team (or team-less without one). */
export const putVariable = (
  db: D1Database,
  key: string,
  value: string,
  description: string | null,
  team: string | null,
) =>
  db
    .prepare(
      `INSERT INTO variables (team, key, value, description) VALUES (?, ?, ?, ?)
       ON CONFLICT (team, key) DO UPDATE SET value = excluded.value, description = excluded.description`,
    )
    .bind(team ?? '', key, value, description)
    .run()

/**
 * Deletes the variable the same lookup would read: `'deleted'`, or `'missing'` when there is none.
 * A task of a team deletes its team's variables only: a team-less variable is read by every team,
 * so deleting it is `'forbidden'` (a task of no team, or multi-team mode off, deletes it).
 */
export const deleteVariable = async (
  db: D1Database,
  key: string,
  team: string | null,
): Promise<'deleted' | 'missing' | 'forbidden'> => {
  const deleted = await db
    .prepare('DELETE FROM variables WHERE key = ? AND team = ?')
    .bind(key, team ?? '')
    .run()
  if (deleted.meta.changes > 0) return 'deleted'
  if (!team) return 'missing'
  const shared = await db
    .prepare("SELECT 1 FROM variables WHERE key = ? AND team = ''")
    .bind(key)
    .first()
  return shared ? 'forbidden' : 'missing'
}

/** Where an XCom lives. */
export interface XComKey {
  dag_id: string
  run_id: string
  task_id: string
  key: string
  map_index: number
}

const where = 'dag_id = ? AND run_id = ? AND task_id = ? AND map_index = ? AND key = ?'
const keyValues = (k: XComKey) => [k.dag_id, k.run_id, k.task_id, k.map_index, k.key]

/** The statement that writes an XCom (insert or replace), for a batch. */
export const xcomUpsert = (db: D1Database, k: XComKey, value: unknown) =>
  db
    .prepare(
      `INSERT INTO xcoms (dag_id, run_id, task_id, map_index, key, value) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (dag_id, run_id, task_id, map_index, key) DO UPDATE SET value = excluded.value`,
    )
    .bind(...keyValues(k), JSON.stringify(value))

export const deleteXCom = async (db: D1Database, k: XComKey) => {
  const result = await db
    .prepare(`DELETE FROM xcoms WHERE ${where}`)
    .bind(...keyValues(k))
    .run()
  return result.meta.changes > 0
}

/**
 * Variable keys in key order, as `GET /variables/keys` lists them (routes/variables.py at
 * apache/airflow, the revision with `get_variable_keys`): with a team, that team's keys only;
 * without one, every key. `prefix` matches exactly (no wildcards).
 */
export const variableKeys = async (
  db: D1Database,
  q: { team: string | null; prefix?: string | undefined; limit: number; offset: number },
) => {
  const filter = `(? IS NULL OR team = ?) AND (? IS NULL OR substr(key, 1, length(?)) = ?)`
  const values = [q.team, q.team, q.prefix ?? null, q.prefix ?? null, q.prefix ?? null]
  const [total, page] = await db.batch<{ n: number } & { key: string }>([
    db.prepare(`SELECT COUNT(DISTINCT key) AS n FROM variables WHERE ${filter}`).bind(...values),
    db
      .prepare(`SELECT DISTINCT key FROM variables WHERE ${filter} ORDER BY key LIMIT ? OFFSET ?`)
      .bind(...values, q.limit, q.offset),
  ])
  return {
    keys: (page?.results ?? []).map((r) => r.key),
    total_entries: total?.results[0]?.n ?? 0,
  }
}
