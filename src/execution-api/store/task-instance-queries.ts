// Read-only questions a task asks about other task instances (`task-instances/count`, `/states`,
// `/previous`, `/breadcrumbs`) and about its own reschedules, as routes/task_instances.py and
// routes/task_reschedules.py answer them (apache/airflow@0085294cc6ca, @04f2971f0bcb).

/** The filters `count` and `states` share; `logical_dates` match the run's logical date. */
export interface TiFilters {
  dag_id: string
  map_index?: number | undefined
  task_ids?: string[] | undefined
  logical_dates?: string[] | undefined
  run_ids?: string[] | undefined
  states?: string[] | undefined
}

const marks = (values: unknown[]) => values.map(() => '?').join(', ')

/** WHERE clause and values for the filters, on `task_instances ti JOIN dag_runs r`. */
const where = (f: TiFilters) => {
  const clauses = ['ti.dag_id = ?']
  const values: unknown[] = [f.dag_id]
  const add = (clause: string, ...more: unknown[]) => {
    clauses.push(clause)
    values.push(...more)
  }
  if (f.task_ids?.length) add(`ti.task_id IN (${marks(f.task_ids)})`, ...f.task_ids)
  if (f.map_index !== undefined) add('ti.map_index = ?', f.map_index)
  if (f.logical_dates?.length) {
    add(`r.logical_date IN (${marks(f.logical_dates)})`, ...f.logical_dates)
  }
  if (f.run_ids?.length) add(`ti.run_id IN (${marks(f.run_ids)})`, ...f.run_ids)
  if (f.states?.length) {
    // "null" asks for task instances without a state; here every task instance has one.
    const states = f.states.filter((s) => s !== 'null')
    add(states.length ? `ti.state IN (${marks(states)})` : '0', ...states)
  }
  return { sql: clauses.join(' AND '), values }
}

const from =
  'FROM task_instances ti JOIN dag_runs r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id'

export const countTaskInstances = async (db: D1Database, f: TiFilters) => {
  const w = where(f)
  const row = await db
    .prepare(`SELECT COUNT(*) AS n ${from} WHERE ${w.sql}`)
    .bind(...w.values)
    .first<{ n: number }>()
  return row?.n ?? 0
}

/** run id → task id (`task_id_mapindex` for a mapped one) → state. */
export const taskInstanceStates = async (db: D1Database, f: TiFilters) => {
  const w = where(f)
  const { results } = await db
    .prepare(`SELECT ti.run_id, ti.task_id, ti.map_index, ti.state ${from} WHERE ${w.sql}`)
    .bind(...w.values)
    .all<{ run_id: string; task_id: string; map_index: number; state: string }>()
  const states: Record<string, Record<string, string>> = {}
  for (const ti of results) {
    const run = states[ti.run_id] ?? {}
    states[ti.run_id] = run
    run[ti.map_index < 0 ? ti.task_id : `${ti.task_id}_${ti.map_index}`] = ti.state
  }
  return states
}

// Airflow's `duration`: seconds between start and end, when both are set.
const duration = `(julianday(ti.end_date) - julianday(ti.start_date)) * 86400.0`

/** The latest task instance of that task (by its run's logical date), as `PreviousTIResponse`. */
export const previousTaskInstance = (
  db: D1Database,
  q: { dag_id: string; task_id: string; map_index: number; logical_date?: string; state?: string },
) =>
  db
    .prepare(
      `SELECT ti.task_id, ti.dag_id, ti.run_id, r.logical_date, ti.start_date, ti.end_date,
         ti.state, ti.try_number, ti.map_index, ${duration} AS duration
       ${from}
       WHERE ti.dag_id = ? AND ti.task_id = ? AND ti.map_index = ?
         AND (? IS NULL OR r.logical_date < ?) AND (? IS NULL OR ti.state = ?)
       ORDER BY r.logical_date DESC LIMIT 1`,
    )
    .bind(
      q.dag_id,
      q.task_id,
      q.map_index,
      q.logical_date ?? null,
      q.logical_date ?? null,
      q.state ?? null,
      q.state ?? null,
    )
    .first()

/** The finished task instances of a run, ordered by task id and map index. */
export const breadcrumbs = async (db: D1Database, dagId: string, runId: string) => {
  const { results } = await db
    .prepare(
      `SELECT ti.task_id, ti.map_index, ti.state, NULL AS operator, ${duration} AS duration
       FROM task_instances ti WHERE ti.dag_id = ? AND ti.run_id = ?
         AND ti.state IN ('success', 'failed', 'skipped', 'upstream_failed', 'removed')
       ORDER BY ti.task_id, ti.map_index`,
    )
    .bind(dagId, runId)
    .all<Record<string, unknown>>()
  return results
}

/** The start date of a task instance's first reschedule, or `null`. */
export const firstRescheduleStart = async (db: D1Database, id: string) => {
  const row = await db
    .prepare('SELECT start_date FROM task_reschedules WHERE ti_id = ? ORDER BY id LIMIT 1')
    .bind(id)
    .first<{ start_date: string | null }>()
  return row?.start_date ?? null
}
