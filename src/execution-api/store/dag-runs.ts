import type { DagRunRow } from './task-instances'

// Dag runs beyond the one a task runs in: read, counted, triggered and cleared as
// routes/dag_runs.py does it (apache/airflow@04f2971f0bcb). Writes are single statements or one
// batch, so a trigger or clear that loses a race leaves nothing half-done.

const withTeam = `SELECT r.*, d.team AS team_name FROM dag_runs r LEFT JOIN dags d ON d.dag_id = r.dag_id`

export const findDagRun = (db: D1Database, dagId: string, runId: string) =>
  db
    .prepare(`${withTeam} WHERE r.dag_id = ? AND r.run_id = ?`)
    .bind(dagId, runId)
    .first<DagRunRow>()

/** The latest run of the dag before `logicalDate` (in `state` when given). */
export const previousDagRun = (
  db: D1Database,
  q: { dag_id: string; logical_date: string; state?: string | undefined },
) =>
  db
    .prepare(
      `${withTeam} WHERE r.dag_id = ? AND r.logical_date < ? AND (? IS NULL OR r.state = ?)
       ORDER BY r.logical_date DESC LIMIT 1`,
    )
    .bind(q.dag_id, q.logical_date, q.state ?? null, q.state ?? null)
    .first<DagRunRow>()

const marks = (values: unknown[]) => values.map(() => '?').join(', ')

export const countDagRuns = async (
  db: D1Database,
  q: { dag_id: string; logical_dates?: string[]; run_ids?: string[]; states?: string[] },
) => {
  const clauses = ['dag_id = ?']
  const values: unknown[] = [q.dag_id]
  for (const [column, list] of [
    ['logical_date', q.logical_dates],
    ['run_id', q.run_ids],
    ['state', q.states],
  ] as const) {
    if (!list?.length) continue
    clauses.push(`${column} IN (${marks(list)})`)
    values.push(...list)
  }
  const row = await db
    .prepare(`SELECT COUNT(*) AS n FROM dag_runs WHERE ${clauses.join(' AND ')}`)
    .bind(...values)
    .first<{ n: number }>()
  return row?.n ?? 0
}

/** A dag as the trigger, clear and dag routes read it. */
export interface DagRow {
  dag_id: string
  is_paused: number
  has_import_errors: number
  /** JSON list of strings. */
  tags: string
  owners: string | null
}

export const findDag = (db: D1Database, dagId: string) =>
  db.prepare('SELECT * FROM dags WHERE dag_id = ?').bind(dagId).first<DagRow>()

export interface Trigger {
  logical_date?: string | null | undefined
  run_after?: string | null | undefined
  conf?: Record<string, unknown> | null | undefined
  partition_key?: string | null | undefined
  note?: string | null | undefined
}

/**
 * A queued `manual` run, as Airflow's `trigger_dag` writes it; `false` when the run exists
 * (the INSERT does nothing, so of two racing triggers exactly one gets `true`).
 */
export const triggerDagRun = async (
  db: D1Database,
  dagId: string,
  runId: string,
  t: Trigger,
  now: string,
) => {
  const result = await db
    .prepare(
      `INSERT INTO dag_runs (dag_id, run_id, logical_date, data_interval_start, data_interval_end,
         run_after, run_type, state, conf, partition_key, note)
       VALUES (?, ?, ?, ?, ?, ?, 'manual', 'queued', ?, ?, ?)
       ON CONFLICT (dag_id, run_id) DO NOTHING`,
    )
    .bind(
      dagId,
      runId,
      t.logical_date ?? null,
      t.logical_date ?? null,
      t.logical_date ?? null,
      t.run_after ?? t.logical_date ?? now,
      JSON.stringify(t.conf ?? {}),
      t.partition_key ?? null,
      t.note ?? null,
    )
    .run()
  return result.meta.changes > 0
}

/**
 * Clears a run as Airflow's `dag.clear(run_id=…)` does: its task instances go back to be
 * scheduled (running ones to `restarting`, so their runner stops), only the failed ones with
 * `onlyFailed`; the run is queued again with `clear_number` + 1. One batch.
 */
export const clearDagRun = async (
  db: D1Database,
  dagId: string,
  runId: string,
  onlyFailed: boolean,
) => {
  const which = onlyFailed ? "AND state IN ('failed', 'upstream_failed')" : ''
  await db.batch([
    db
      .prepare(
        `UPDATE task_instances
           SET state = CASE state WHEN 'running' THEN 'restarting' ELSE 'scheduled' END
         WHERE dag_id = ? AND run_id = ? ${which}`,
      )
      .bind(dagId, runId),
    db
      .prepare(
        `UPDATE dag_runs SET state = 'queued', start_date = NULL, end_date = NULL,
           clear_number = clear_number + 1
         WHERE dag_id = ? AND run_id = ?`,
      )
      .bind(dagId, runId),
  ])
}
