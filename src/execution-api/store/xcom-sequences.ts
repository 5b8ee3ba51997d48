import { type XComKey, xcomUpsert } from './resources'

// XComs read as Airflow's `XComModel.get_many` reads them (models/xcom.py): every map index of a
// (dag, run, task, key), or with `include_prior_dates` also those of the dag's earlier runs, by the
// run's logical date (its `run_after` when it has none), latest first.

/** Where a sequence of XComs lives: no map index, since it spans them all. */
export type XComSeq = Omit<XComKey, 'map_index'>

const runDate = 'COALESCE(r.logical_date, r.run_after)'

/** The FROM and WHERE of `get_many`, and its values. */
const many = (k: XComSeq, includePriorDates: boolean) => ({
  sql: `FROM xcoms x LEFT JOIN dag_runs r ON r.dag_id = x.dag_id AND r.run_id = x.run_id
    WHERE x.dag_id = ? AND x.task_id = ? AND x.key = ? AND ${
      includePriorDates
        ? `${runDate} <= (SELECT COALESCE(logical_date, run_after) FROM dag_runs
             WHERE dag_id = x.dag_id AND run_id = ?)`
        : 'x.run_id = ?'
    }`,
  values: [k.dag_id, k.task_id, k.key, k.run_id],
})

const parse = (rows: { value: string }[]) => rows.map((r) => JSON.parse(r.value) as unknown)

/** How many XComs (map indexes) the run holds: what `HEAD` tells in `Content-Range`. */
export const countXComs = async (db: D1Database, k: XComSeq) => {
  const q = many(k, false)
  const row = await db
    .prepare(`SELECT COUNT(*) AS n ${q.sql}`)
    .bind(...q.values)
    .first<{ n: number }>()
  return row?.n ?? 0
}

/**
 * One XCom: at `mapIndex`, or the `offset`-th by map index (negative from the end). With
 * `includePriorDates`, the latest run's first.
 */
export const findXCom = async (
  db: D1Database,
  k: XComSeq,
  at: { mapIndex: number } | { offset: number },
  includePriorDates = false,
) => {
  const q = many(k, includePriorDates)
  const latest = `${runDate} DESC`
  const [where, order, skip] =
    'mapIndex' in at
      ? [' AND x.map_index = ?', latest, 0]
      : at.offset >= 0
        ? ['', `x.map_index ASC, ${latest}`, at.offset]
        : ['', `x.map_index DESC, ${latest}`, -1 - at.offset]
  const values = 'mapIndex' in at ? [...q.values, at.mapIndex] : q.values
  const row = await db
    .prepare(`SELECT x.value ${q.sql}${where} ORDER BY ${order} LIMIT 1 OFFSET ?`)
    .bind(...values, skip)
    .first<{ value: string }>()
  return row ? { value: JSON.parse(row.value) as unknown } : null
}

/** Every value by map index, for a slice. */
export const xcomValues = async (db: D1Database, k: XComSeq, includePriorDates: boolean) => {
  const q = many(k, includePriorDates)
  const { results } = await db
    .prepare(`SELECT x.value ${q.sql} ORDER BY x.map_index ASC, ${runDate} DESC`)
    .bind(...q.values)
    .all<{ value: string }>()
  return parse(results)
}

/** Python's `seq[start:stop:step]` (a `step` of 0 or none is 1, as Airflow reads it). */
export const pySlice = <T>(seq: T[], start?: number, stop?: number, step?: number): T[] => {
  const n = seq.length
  const by = step || 1
  const bound = (i: number | undefined, fallback: number, lo: number, hi: number) =>
    i === undefined ? fallback : Math.min(Math.max(i < 0 ? i + n : i, lo), hi)
  const out: T[] = []
  if (by > 0) {
    const to = bound(stop, n, 0, n)
    for (let i = bound(start, 0, 0, n); i < to; i += by) out.push(seq[i] as T)
  } else {
    const to = bound(stop, -1, -1, n - 1)
    for (let i = bound(start, n - 1, -1, n - 1); i > to; i += by) out.push(seq[i] as T)
  }
  return out
}

/** The largest `mapped_length` Airflow accepts (`[core] max_map_length`, default 1024). */
export const maxMapLength = 1024

/** Sets an XCom and, when given, the task map of its map index, in one batch. */
export const setXCom = (
  db: D1Database,
  k: XComKey,
  value: unknown,
  mappedLength: number | undefined,
) => {
  const statements = [xcomUpsert(db, k, value)]
  if (mappedLength !== undefined) {
    statements.push(
      db
        .prepare(
          `INSERT INTO task_maps (dag_id, run_id, task_id, map_index, length) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET length = excluded.length`,
        )
        .bind(k.dag_id, k.run_id, k.task_id, k.map_index, mappedLength),
    )
  }
  return db.batch(statements)
}
