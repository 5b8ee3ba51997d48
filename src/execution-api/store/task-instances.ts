import { utcText } from '../models/common'
import type { StateUpdate } from '../schemas'

/** A task instance row, as D1 returns it. */
export interface TaskInstanceRow {
  id: string
  dag_id: string
  run_id: string
  task_id: string
  map_index: number
  try_number: number
  max_tries: number
  state: string
  hostname: string | null
  unixname: string | null
  pid: number | null
  start_date: string | null
  end_date: string | null
  last_heartbeat_at: string | null
  rendered_map_index: string | null
  next_method: string | null
  /** JSON text. */
  next_kwargs: string | null
  trigger_id: number | null
  trigger_timeout: string | null
  retry_delay_seconds: number | null
  retry_reason: string | null
}

/** A dag run row with its dag's team, as `dag_run` of the run context needs it. */
export interface DagRunRow {
  dag_id: string
  run_id: string
  logical_date: string | null
  data_interval_start: string | null
  data_interval_end: string | null
  run_after: string
  start_date: string | null
  end_date: string | null
  clear_number: number
  run_type: string
  state: string
  /** JSON text. */
  conf: string | null
  triggering_user_name: string | null
  partition_key: string | null
  /** UTC ISO 8601 text (migration 0004). */
  partition_date: string | null
  note: string | null
  team_name: string | null
}

/** States from which `/run` may start a task instance. */
export const runnableStates = ['queued', 'restarting'] as const

export interface RunRequest {
  hostname: string
  unixname: string
  pid: number
  start_date: string
}

/** What `/run` found and did: the task instance before, and after when it started. */
export type Start =
  | { started: false; before: TaskInstanceRow | null }
  | {
      started: true
      before: TaskInstanceRow
      after: TaskInstanceRow
      dagRun: DagRunRow
      xcomKeys: string[]
      reschedules: { count: number; first: string | null }
    }

/** What a compare-and-set transition did: the row it changed, or the row as it stood instead. */
export type Transition =
  | { changed: true; row: TaskInstanceRow }
  | { changed: false; row: TaskInstanceRow | null }

const current = (db: D1Database, id: string) =>
  db.prepare('SELECT * FROM task_instances WHERE id = ?').bind(id).first<TaskInstanceRow>()

const isRunnable = (state: string) => (runnableStates as readonly string[]).includes(state)

/**
 * queued/restarting → running, or the same (hostname, unixname, pid) asking again while running
 * (a lost answer retried). The UPDATE only applies to the state read just before, so of two
 * runners racing exactly one starts; the other reads the winner's row. The dag run is written
 * when missing, and the run context read, in the same batch (one transaction).
 */
export const startRun = async (
  db: D1Database,
  id: string,
  run: RunRequest,
  now: string,
): Promise<Start> => {
  const before = await current(db, id)
  if (!before) return { started: false, before }
  const duplicate =
    before.state === 'running' &&
    before.hostname === run.hostname &&
    before.unixname === run.unixname &&
    before.pid === run.pid
  if (!duplicate && !isRunnable(before.state)) return { started: false, before }
  // Resuming from a deferral keeps the first start date, as Airflow does.
  const resuming = before.next_kwargs !== null
  const mapIndex = before.map_index < 0 ? null : before.map_index
  const [, updated, dagRun, keys, reschedules] = await db.batch([
    db
      .prepare(
        `INSERT INTO dag_runs (dag_id, run_id, run_after, start_date)
         SELECT dag_id, run_id, ?, ? FROM task_instances WHERE id = ?
         ON CONFLICT (dag_id, run_id) DO NOTHING`,
      )
      .bind(now, now, id),
    db
      .prepare(
        `UPDATE task_instances
           SET state = 'running', hostname = ?, unixname = ?, pid = ?,
               start_date = CASE WHEN ? THEN start_date ELSE ? END,
               end_date = NULL, last_heartbeat_at = ?, retry_delay_seconds = NULL, retry_reason = NULL
         WHERE id = ? AND state = ? AND hostname IS ? AND unixname IS ? AND pid IS ?
         RETURNING *`,
      )
      .bind(
        run.hostname,
        run.unixname,
        run.pid,
        resuming ? 1 : 0,
        run.start_date,
        now,
        id,
        before.state,
        before.hostname,
        before.unixname,
        before.pid,
      ),
    db
      .prepare(
        `SELECT r.*, d.team AS team_name FROM dag_runs r LEFT JOIN dags d ON d.dag_id = r.dag_id
         WHERE r.dag_id = ? AND r.run_id = ?`,
      )
      .bind(before.dag_id, before.run_id),
    // Keys the runner clears before running again (not when resuming from a deferral).
    db
      .prepare(
        `SELECT key FROM xcoms WHERE dag_id = ? AND run_id = ? AND task_id = ?
           AND (? IS NULL OR map_index = ?) AND ? = 0 ORDER BY key`,
      )
      .bind(
        before.dag_id,
        before.run_id,
        before.task_id,
        mapIndex,
        mapIndex,
        before.next_method ? 1 : 0,
      ),
    db
      .prepare(
        `SELECT COUNT(*) AS count, MIN(start_date) AS first FROM task_reschedules
         WHERE ti_id = ? AND try_number = ?`,
      )
      .bind(id, before.try_number),
  ])
  const after = updated?.results[0] as TaskInstanceRow | undefined
  if (!after) return { started: false, before: await current(db, id) }
  return {
    started: true,
    before,
    after,
    dagRun: dagRun?.results[0] as DagRunRow,
    xcomKeys: ((keys?.results ?? []) as { key: string }[]).map((row) => row.key),
    reschedules: reschedules?.results[0] as { count: number; first: string | null },
  }
}

// What each payload writes besides `state`; `undefined` leaves a column as it is.
const columnsFor = (update: StateUpdate, now: Date): Record<string, unknown> => {
  const cleared = { next_method: null, next_kwargs: null }
  switch (update.state) {
    case 'success':
    case 'failed':
    case 'skipped':
    case 'removed':
    case 'upstream_failed':
      return {
        end_date: update.end_date,
        rendered_map_index: update.rendered_map_index,
        ...cleared,
      }
    case 'up_for_retry':
      return {
        end_date: update.end_date,
        rendered_map_index: update.rendered_map_index,
        retry_delay_seconds: update.retry_delay_seconds ?? null,
        retry_reason: update.retry_reason?.slice(0, 500) ?? null,
        ...cleared,
      }
    case 'deferred':
      return {
        next_method: update.next_method,
        next_kwargs: JSON.stringify(update.next_kwargs ?? {}),
        trigger_timeout:
          update.trigger_timeout == null
            ? null
            : new Date(now.getTime() + update.trigger_timeout * 1000).toISOString(),
        rendered_map_index: update.rendered_map_index,
      }
    case 'up_for_reschedule':
      return { end_date: update.end_date }
    default:
      return {}
  }
}

/**
 * running → the payload's state, with the columns it carries, as one batch: the trigger of a
 * deferral and the reschedule row are written only when the task instance is still running, in
 * the same transaction as the UPDATE, so a lost race leaves nothing behind.
 */
export const updateState = async (
  db: D1Database,
  id: string,
  update: Exclude<StateUpdate, { state: 'awaiting_input' }>,
  now: Date,
): Promise<Transition> => {
  const columns = Object.entries(columnsFor(update, now)).filter(([, v]) => v !== undefined)
  const set = ['state = ?', ...columns.map(([name]) => `${name} = ?`)]
  const values: unknown[] = [update.state, ...columns.map(([, value]) => value)]
  const before: ReturnType<D1Database['prepare']>[] = []
  if (update.state === 'deferred') {
    set.push('trigger_id = last_insert_rowid()')
    before.push(
      db
        .prepare(
          `INSERT INTO triggers (classpath, kwargs, queue, created_date)
           SELECT ?, ?, ?, ? FROM task_instances WHERE id = ? AND state = 'running'`,
        )
        .bind(
          update.classpath,
          JSON.stringify(update.trigger_kwargs ?? {}),
          update.queue ?? null,
          now.toISOString(),
          id,
        ),
    )
  }
  if (update.state === 'up_for_reschedule') {
    before.push(
      db
        .prepare(
          `INSERT INTO task_reschedules (ti_id, try_number, start_date, end_date, reschedule_date)
           SELECT id, try_number, start_date, ?, ? FROM task_instances
           WHERE id = ? AND state = 'running'`,
        )
        .bind(update.end_date, update.reschedule_date, id),
    )
  }
  const results = await db.batch([
    ...before,
    db
      .prepare(
        `UPDATE task_instances SET ${set.join(', ')} WHERE id = ? AND state = 'running' RETURNING *`,
      )
      .bind(...values, id),
  ])
  const row = results.at(-1)?.results[0] as TaskInstanceRow | undefined
  if (row) return { changed: true, row }
  return { changed: false, row: await current(db, id) }
}

/** The task instance as stored, or `null`. */
export const findTaskInstance = current

// One UPDATE … WHERE … RETURNING *: D1 runs it atomically, so of two runners racing, exactly one
// sees its row come back; the other reads the winner's row and is refused.
const compareAndSet = async (
  db: D1Database,
  id: string,
  sql: string,
  values: unknown[],
): Promise<Transition> => {
  const row = await db
    .prepare(sql)
    .bind(...values)
    .first<TaskInstanceRow>()
  if (row) return { changed: true, row }
  return { changed: false, row: await current(db, id) }
}

/** Records a heartbeat, only from the host and pid that run the task instance. */
export const heartbeat = (db: D1Database, id: string, hostname: string, pid: number, now: string) =>
  compareAndSet(
    db,
    id,
    `UPDATE task_instances SET last_heartbeat_at = ?
     WHERE id = ? AND state = 'running' AND hostname = ? AND pid = ?
     RETURNING *`,
    [now, id, hostname, pid],
  )

/** The team of a task instance's dag (task instance → dag → team); `null` for none. */
export const teamOf = async (db: D1Database, id: string) => {
  const row = await db
    .prepare(
      `SELECT d.team AS team FROM task_instances ti JOIN dags d ON d.dag_id = ti.dag_id
       WHERE ti.id = ?`,
    )
    .bind(id)
    .first<{ team: string | null }>()
  return row?.team ?? null
}

export interface QueueRequest {
  id: string
  dag_id: string
  run_id: string
  task_id: string
  map_index?: number
  try_number?: number
  max_tries?: number
  team?: string | null
  /** The dag run's fields; it is written once, when the first task instance of the run is queued. */
  dag_run?: {
    run_after?: string
    logical_date?: string | null
    data_interval_start?: string | null
    data_interval_end?: string | null
    run_type?: string
    conf?: Record<string, unknown> | null
    partition_key?: string | null
    partition_date?: string | null
  }
}

/** What a scheduler does: the dag (with its team) and dag run if new, and a queued task instance. */
export const queueTaskInstance = async (db: D1Database, ti: QueueRequest) => {
  const run = ti.dag_run ?? {}
  // Stored as the API stores dates (a scheduler may write `…00Z` or an offset), before any write.
  const date = (value: string | null | undefined) => (value ? utcText(value) : null)
  const runAfter = date(run.run_after) ?? new Date().toISOString()
  const logicalDate = date(run.logical_date)
  const intervalStart = date(run.data_interval_start)
  const intervalEnd = date(run.data_interval_end)
  return db.batch([
    db
      .prepare('INSERT INTO dags (dag_id, team) VALUES (?, ?) ON CONFLICT (dag_id) DO NOTHING')
      .bind(ti.dag_id, ti.team ?? null),
    db
      .prepare(
        `INSERT INTO dag_runs (dag_id, run_id, run_after, logical_date, data_interval_start,
           data_interval_end, run_type, conf, partition_key, partition_date, state, start_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)
         ON CONFLICT (dag_id, run_id) DO NOTHING`,
      )
      .bind(
        ti.dag_id,
        ti.run_id,
        runAfter,
        logicalDate,
        intervalStart,
        intervalEnd,
        run.run_type ?? 'manual',
        run.conf ? JSON.stringify(run.conf) : null,
        run.partition_key ?? null,
        date(run.partition_date),
        runAfter,
      ),
    db
      .prepare(
        `INSERT INTO task_instances (id, dag_id, run_id, task_id, map_index, try_number, max_tries)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        ti.id,
        ti.dag_id,
        ti.run_id,
        ti.task_id,
        ti.map_index ?? -1,
        ti.try_number ?? 1,
        ti.max_tries ?? 0,
      ),
  ])
}
