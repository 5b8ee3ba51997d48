import type { HitlRequest } from '../models/hitl'

// Human-in-the-loop details, one per task instance (routes/hitl.py at apache/airflow@1e838499fa38):
// the request a task writes, then at most one response.

export interface HitlRow {
  ti_id: string
  /** JSON text of the lists and objects. */
  options: string
  subject: string
  body: string | null
  defaults: string | null
  multiple: number
  params: string | null
  assignees: string | null
  responded_at: string | null
  responded_by: string | null
  chosen_options: string | null
  params_input: string | null
}

const json = <T>(text: string | null) => (text === null ? null : (JSON.parse(text) as T))

export const findHitl = (db: D1Database, tiId: string) =>
  db.prepare('SELECT * FROM hitl_details WHERE ti_id = ?').bind(tiId).first<HitlRow>()

/**
 * Writes the request unless one exists; an existing one keeps its request and loses its response
 * (a task cleared after an answer asks again). One statement; answers the row as stored, or
 * `null` when the task instance does not exist.
 */
export const upsertHitl = (db: D1Database, tiId: string, r: HitlRequest) =>
  db
    .prepare(
      `INSERT INTO hitl_details (ti_id, options, subject, body, defaults, multiple, params, assignees)
       SELECT id, ?, ?, ?, ?, ?, ?, ? FROM task_instances WHERE id = ?
       ON CONFLICT (ti_id) DO UPDATE SET responded_at = NULL, responded_by = NULL,
         chosen_options = NULL, params_input = NULL
       RETURNING *`,
    )
    .bind(
      JSON.stringify(r.options),
      r.subject,
      r.body,
      r.defaults === null ? null : JSON.stringify(r.defaults),
      r.multiple ? 1 : 0,
      JSON.stringify(r.params ?? {}),
      JSON.stringify(r.assigned_users ?? []),
      tiId,
    )
    .first<HitlRow>()

/** Records the response only if there is none yet; `null` when another came first. */
export const respondHitl = (
  db: D1Database,
  tiId: string,
  chosen: string[],
  params: Record<string, unknown>,
  now: string,
) =>
  db
    .prepare(
      `UPDATE hitl_details SET responded_at = ?, chosen_options = ?, params_input = ?
       WHERE ti_id = ? AND responded_at IS NULL RETURNING *`,
    )
    .bind(now, JSON.stringify(chosen), JSON.stringify(params), tiId)
    .first<HitlRow>()

/** The request part, as `HITLDetailRequest`. */
export const requestOf = (row: HitlRow) => ({
  ti_id: row.ti_id,
  options: json<string[]>(row.options) ?? [],
  subject: row.subject,
  body: row.body,
  defaults: json<string[]>(row.defaults),
  multiple: row.multiple === 1,
  params: json<Record<string, never>>(row.params) ?? {},
  assigned_users: json<{ id: string; name: string }[]>(row.assignees) ?? [],
})

/** The response part, as `HITLDetailResponse`. */
export const responseOf = (row: HitlRow) => ({
  response_received: row.responded_at !== null,
  responded_by_user: json<{ id: string; name: string }>(row.responded_by),
  responded_at: row.responded_at,
  chosen_options: json<string[]>(row.chosen_options),
  params_input: json<Record<string, never>>(row.params_input) ?? {},
})
