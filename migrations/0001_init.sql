-- The Execution API's state. Ids of task instances are UUIDs in lower-case hyphenated form.
-- Team '' means "no team": rows every task can read, and the only rows read when MULTI_TEAM is off.

CREATE TABLE dags (
  dag_id TEXT PRIMARY KEY,
  -- NULL: the dag belongs to no team.
  team TEXT
);

CREATE TABLE task_instances (
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
      'removed', 'up_for_retry', 'up_for_reschedule', 'deferred'
    )
  ),
  hostname TEXT,
  unixname TEXT,
  pid INTEGER,
  start_date TEXT,
  end_date TEXT,
  last_heartbeat_at TEXT,
  UNIQUE (dag_id, run_id, task_id, map_index)
);

CREATE TABLE connections (
  team TEXT NOT NULL DEFAULT '',
  conn_id TEXT NOT NULL,
  conn_type TEXT NOT NULL,
  host TEXT,
  schema TEXT,
  login TEXT,
  password TEXT,
  port INTEGER,
  extra TEXT,
  PRIMARY KEY (team, conn_id)
);

CREATE TABLE variables (
  team TEXT NOT NULL DEFAULT '',
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  description TEXT,
  PRIMARY KEY (team, key)
);

CREATE TABLE xcoms (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL DEFAULT -1,
  key TEXT NOT NULL,
  -- JSON text.
  value TEXT NOT NULL,
  PRIMARY KEY (dag_id, run_id, task_id, map_index, key)
);
