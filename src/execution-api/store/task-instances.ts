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
}

/** States from which `/run` may start a task instance. */
export const runnableStates = ['queued', 'restarting'] as const

export interface RunRequest {
  hostname: string
  unixname: string
  pid: number
  start_date: string
}

/** What a compare-and-set transition did: the row it changed, or the row as it stood instead. */
export type Transition =
  | { changed: true; row: TaskInstanceRow }
  | { changed: false; row: TaskInstanceRow | null }

const current = (db: D1Database, id: string) =>
  db.prepare('SELECT * FROM task_instances WHERE id = ?').bind(id).first<TaskInstanceRow>()

// One UPDATE … WHERE state IN (…) RETURNING *: D1 runs it atomically, so of two runners racing,
// exactly one sees its row come back; the other reads the winner's row and is refused.
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

/** queued/restarting → running, recording who runs it. */
export const startRun = (db: D1Database, id: string, run: RunRequest, now: string) =>
  compareAndSet(
    db,
    id,
    `UPDATE task_instances
       SET state = 'running', hostname = ?, unixname = ?, pid = ?, start_date = ?,
           end_date = NULL, last_heartbeat_at = ?
     WHERE id = ? AND state IN ('queued', 'restarting')
     RETURNING *`,
    [run.hostname, run.unixname, run.pid, run.start_date, now, id],
  )

/** running → a final or retry state. */
export const finishRun = (db: D1Database, id: string, state: string, endDate: string) =>
  compareAndSet(
    db,
    id,
    `UPDATE task_instances SET state = ?, end_date = ?
     WHERE id = ? AND state = 'running'
     RETURNING *`,
    [state, endDate, id],
  )

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
}

/** What a scheduler does: the dag (with its team) if new, and a queued task instance. */
export const queueTaskInstance = (db: D1Database, ti: QueueRequest) =>
  db.batch([
    db
      .prepare('INSERT INTO dags (dag_id, team) VALUES (?, ?) ON CONFLICT (dag_id) DO NOTHING')
      .bind(ti.dag_id, ti.team ?? null),
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
