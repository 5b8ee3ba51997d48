-- What Airflow's Task SDK needs from /run and /state (API version 2026-06-30): dag runs for the
-- TIRunContext, the states and fields of the TIStateUpdate payloads, triggers of deferred tasks
-- and the reschedules of sensors. Timestamps are UTC ISO 8601 text, JSON values are JSON text.

-- One row per dag run, as `dag_run` of the TIRunContext reads it. A task instance whose run has
-- no row yet gets one when it starts (the store writes it in the same batch), so rows written by
-- hand or by older tools keep working.
CREATE TABLE dag_runs (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  logical_date TEXT,
  data_interval_start TEXT,
  data_interval_end TEXT,
  run_after TEXT NOT NULL,
  start_date TEXT,
  end_date TEXT,
  clear_number INTEGER NOT NULL DEFAULT 0,
  run_type TEXT NOT NULL DEFAULT 'manual' CHECK (
    run_type IN (
      'backfill', 'scheduled', 'manual', 'operator_triggered', 'asset_triggered',
      'asset_materialization'
    )
  ),
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('queued', 'running', 'success', 'failed')),
  -- A JSON object, or NULL.
  conf TEXT,
  triggering_user_name TEXT,
  partition_key TEXT,
  note TEXT,
  PRIMARY KEY (dag_id, run_id)
);

INSERT INTO dag_runs (dag_id, run_id, run_after, start_date)
SELECT dag_id, run_id, COALESCE(MIN(start_date), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), MIN(start_date)
FROM task_instances GROUP BY dag_id, run_id;

-- A deferred task's trigger: written here, fired by a triggerer outside this Worker.
CREATE TABLE triggers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  classpath TEXT NOT NULL,
  -- JSON text of the payload's `trigger_kwargs`: an object, or a string the runner encrypted.
  kwargs TEXT NOT NULL,
  queue TEXT,
  created_date TEXT NOT NULL
);

-- Every `up_for_reschedule` of a task instance (a sensor in reschedule mode).
CREATE TABLE task_reschedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ti_id TEXT NOT NULL,
  try_number INTEGER NOT NULL,
  start_date TEXT,
  end_date TEXT NOT NULL,
  reschedule_date TEXT NOT NULL
);
CREATE INDEX task_reschedules_ti ON task_reschedules (ti_id);

-- task_instances again, with the states 0001 lacked (upstream_failed, awaiting_input) and the
-- fields the state payloads carry. SQLite cannot change a CHECK in place: copy, drop, rename.
CREATE TABLE task_instances_0002 (
  id TEXT PRIMARY KEY,
  dag_id TEXT NOT NULL REFERENCES dags (dag_id),
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL DEFAULT -1,
  try_number INTEGER NOT NULL DEFAULT 1,
  max_tries INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (
    state IN (
      'scheduled', 'queued', 'restarting', 'running', 'success', 'failed', 'skipped',
      'upstream_failed', 'removed', 'up_for_retry', 'up_for_reschedule', 'deferred',
      'awaiting_input'
    )
  ),
  hostname TEXT,
  unixname TEXT,
  pid INTEGER,
  start_date TEXT,
  end_date TEXT,
  last_heartbeat_at TEXT,
  rendered_map_index TEXT,
  -- Set while deferred and on the resumed run: the method to call and its kwargs (JSON text).
  next_method TEXT,
  next_kwargs TEXT,
  trigger_id INTEGER REFERENCES triggers (id),
  trigger_timeout TEXT,
  retry_delay_seconds REAL,
  retry_reason TEXT,
  UNIQUE (dag_id, run_id, task_id, map_index)
);

INSERT INTO task_instances_0002 (
  id, dag_id, run_id, task_id, map_index, try_number, max_tries, state, hostname, unixname, pid,
  start_date, end_date, last_heartbeat_at
)
SELECT
  id, dag_id, run_id, task_id, map_index, try_number, max_tries, state, hostname, unixname, pid,
  start_date, end_date, last_heartbeat_at
FROM task_instances;

DROP TABLE task_instances;
ALTER TABLE task_instances_0002 RENAME TO task_instances;
