-- What the rest of the Task SDK client's calls need (client.py at apache/airflow@00414da86b29):
-- rendered fields, mapped lengths, assets and their events, the task and asset state stores and
-- Human-in-the-loop details. Timestamps are UTC ISO 8601 text, JSON values are JSON text.

-- Dags as `GET /dags/{dag_id}` and the trigger route read them.
ALTER TABLE dags ADD COLUMN is_paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dags ADD COLUMN has_import_errors INTEGER NOT NULL DEFAULT 0;
-- JSON list of strings.
ALTER TABLE dags ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE dags ADD COLUMN owners TEXT;

-- `PUT /task-instances/{id}/rtif`: the template fields after rendering, one row per task instance.
CREATE TABLE rendered_task_instance_fields (
  ti_id TEXT PRIMARY KEY,
  -- A JSON object.
  rendered_fields TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- `POST /xcoms/…?mapped_length=N`: how many task instances a pushed value expands into.
CREATE TABLE task_maps (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL,
  length INTEGER NOT NULL CHECK (length >= 0),
  PRIMARY KEY (dag_id, run_id, task_id, map_index)
);

-- Assets (written by a deployment; `active` = 0 is an asset no dag declares any more).
CREATE TABLE assets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  uri TEXT NOT NULL,
  "group" TEXT NOT NULL DEFAULT 'asset',
  -- A JSON object.
  extra TEXT NOT NULL DEFAULT '{}',
  active INTEGER NOT NULL DEFAULT 1,
  UNIQUE (name, uri)
);

CREATE TABLE asset_aliases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  "group" TEXT NOT NULL DEFAULT 'asset'
);

-- The assets an alias resolved to.
CREATE TABLE asset_alias_assets (
  alias_id INTEGER NOT NULL REFERENCES asset_aliases (id),
  asset_id INTEGER NOT NULL REFERENCES assets (id),
  PRIMARY KEY (alias_id, asset_id)
);

CREATE TABLE asset_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  asset_id INTEGER NOT NULL REFERENCES assets (id),
  -- A JSON object.
  extra TEXT NOT NULL DEFAULT '{}',
  source_task_id TEXT,
  source_dag_id TEXT,
  source_run_id TEXT,
  source_map_index INTEGER,
  partition_key TEXT,
  timestamp TEXT NOT NULL
);
CREATE INDEX asset_events_asset ON asset_events (asset_id, timestamp);

-- The aliases an event was emitted through.
CREATE TABLE asset_event_aliases (
  event_id INTEGER NOT NULL REFERENCES asset_events (id),
  alias_id INTEGER NOT NULL REFERENCES asset_aliases (id),
  PRIMARY KEY (event_id, alias_id)
);

-- The task state store (`/store/ti/…`), scoped as Airflow's TaskScope: dag, run, task, map index.
CREATE TABLE task_state_store (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL,
  key TEXT NOT NULL,
  -- JSON text.
  value TEXT NOT NULL,
  expires_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (dag_id, run_id, task_id, map_index, key)
);

-- The asset state store (`/store/asset/…`), one namespace per asset.
CREATE TABLE asset_state_store (
  asset_id INTEGER NOT NULL REFERENCES assets (id),
  key TEXT NOT NULL,
  -- JSON text.
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (asset_id, key)
);

-- Human-in-the-loop details (`/hitlDetails/{ti_id}`): the request, then at most one response.
CREATE TABLE hitl_details (
  ti_id TEXT PRIMARY KEY,
  -- JSON lists and objects.
  options TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT,
  defaults TEXT,
  multiple INTEGER NOT NULL DEFAULT 0,
  params TEXT,
  assignees TEXT,
  responded_at TEXT,
  responded_by TEXT,
  chosen_options TEXT,
  params_input TEXT
);
