// What a running task writes about itself besides its state: rendered fields, the rendered map
// index, the downstream tasks it skips (routes/task_instances.py at apache/airflow@0085294cc6ca).

/** Sets the rendered fields of a task instance; `false` when there is no such task instance. */
export const putRenderedFields = async (
  db: D1Database,
  id: string,
  fields: Record<string, unknown>,
  now: string,
) => {
  // One statement: the row is written only if the task instance exists, so nothing dangles.
  const result = await db
    .prepare(
      `INSERT INTO rendered_task_instance_fields (ti_id, rendered_fields, updated_at)
       SELECT id, ?, ? FROM task_instances WHERE id = ?
       ON CONFLICT (ti_id) DO UPDATE SET rendered_fields = excluded.rendered_fields,
         updated_at = excluded.updated_at`,
    )
    .bind(JSON.stringify(fields), now, id)
    .run()
  return result.meta.changes > 0
}

/** Sets `rendered_map_index`; `false` when there is no such task instance. */
export const setRenderedMapIndex = async (db: D1Database, id: string, value: string) => {
  const result = await db
    .prepare('UPDATE task_instances SET rendered_map_index = ? WHERE id = ?')
    .bind(value, id)
    .run()
  return result.meta.changes > 0
}

/**
 * Skips the named task instances of the caller's run, as Airflow does: those already running or
 * finished (success, failed) are left alone. `null` when the caller's task instance is unknown.
 */
export const skipDownstream = async (
  db: D1Database,
  id: string,
  tasks: [taskId: string, mapIndex: number][],
  now: string,
) => {
  const exists = db.prepare('SELECT 1 FROM task_instances WHERE id = ?').bind(id)
  // The run is read inside the UPDATE itself: one statement skips them all, or none.
  const pairs = tasks.map(() => '(?, ?)').join(', ')
  const skip = db
    .prepare(
      `UPDATE task_instances SET state = 'skipped', start_date = ?, end_date = ?
       WHERE (dag_id, run_id) = (SELECT dag_id, run_id FROM task_instances WHERE id = ?)
         AND (task_id, map_index) IN (VALUES ${pairs})
         AND state NOT IN ('running', 'success', 'failed')`,
    )
    .bind(now, now, id, ...tasks.flat())
  const [found, skipped] = await db.batch(tasks.length ? [exists, skip] : [exists])
  if (!found?.results.length) return null
  return skipped?.meta.changes ?? 0
}

/** A dag run's dates, as `PrevSuccessfulDagRunResponse` carries them. */
export interface RunDates {
  data_interval_start: string | null
  data_interval_end: string | null
  start_date: string | null
  end_date: string | null
}

/** The latest successful run of the task instance's dag before its run's logical date. */
export const previousSuccessfulRun = (db: D1Database, id: string) =>
  db
    .prepare(
      `SELECT p.data_interval_start, p.data_interval_end, p.start_date, p.end_date
       FROM task_instances ti
       JOIN dag_runs r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
       JOIN dag_runs p ON p.dag_id = r.dag_id AND p.logical_date < r.logical_date
       WHERE ti.id = ? AND p.state = 'success'
       ORDER BY p.logical_date DESC LIMIT 1`,
    )
    .bind(id)
    .first<RunDates>()

/** Whether a task instance exists. */
export const taskInstanceExists = async (db: D1Database, id: string) =>
  (await db.prepare('SELECT 1 FROM task_instances WHERE id = ?').bind(id).first()) !== null
