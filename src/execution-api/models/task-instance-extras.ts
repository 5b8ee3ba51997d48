import * as z from 'zod'
import { name, queryInt, queryList, utc, utcInput } from './common'

// Bodies and answers of the task-instance routes beyond run/state/heartbeat, after Airflow's
// server models (execution_api/datamodels/taskinstance.py) and routes/task_instances.py at
// apache/airflow@0085294cc6ca.

/** `PUT …/rtif`: any JSON object of rendered template fields (`dict[str, JsonValue]`). */
export const rtifBody = z.record(z.string(), z.json()).meta({ title: 'RenderedFields' })

/** `PATCH …/rendered-map-index`: the body is one JSON string. */
export const renderedMapIndexBody = z.string().max(250).meta({ title: 'RenderedMapIndex' })

/** `TISkippedDownstreamTasksStatePayload`: task ids, or `[task_id, map_index]` pairs. */
export const skipDownstreamBody = z
  .strictObject({
    tasks: z.array(z.union([name, z.tuple([name, z.int().min(-1)])])),
  })
  .meta({ title: 'TISkippedDownstreamTasksStatePayload' })

/** `PrevSuccessfulDagRunResponse`: every field null when there is no such run. */
export const prevSuccessfulDagRun = z
  .object({
    data_interval_start: utc.nullable(),
    data_interval_end: utc.nullable(),
    start_date: utc.nullable(),
    end_date: utc.nullable(),
  })
  .meta({ title: 'PrevSuccessfulDagRunResponse' })

/** `AssetProfile`. */
export const assetProfile = z
  .object({ name: z.string().nullable(), uri: z.string().nullable(), type: z.string() })
  .meta({ title: 'AssetProfile' })

/** `InactiveAssetsResponse`. */
export const inactiveAssets = z
  .object({ inactive_assets: z.array(assetProfile) })
  .meta({ title: 'InactiveAssetsResponse' })

/** The filters `GET /task-instances/count` and `/states` share. */
const filters = {
  dag_id: name,
  map_index: queryInt.optional(),
  task_ids: queryList(name).optional(),
  task_group_id: name.optional(),
  logical_dates: queryList(utcInput).optional(),
  run_ids: queryList(name).optional(),
}

export const tiCountQuery = z.object({ ...filters, states: queryList(z.string()).optional() })
export const tiStatesQuery = z.object(filters)

/** `TaskStatesResponse`: run id → task id (or `task_id_mapindex`) → state. */
export const taskStates = z
  .object({ task_states: z.record(z.string(), z.record(z.string(), z.string().nullable())) })
  .meta({ title: 'TaskStatesResponse' })

const tiStates = [
  'removed',
  'scheduled',
  'queued',
  'running',
  'success',
  'restarting',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'upstream_failed',
  'skipped',
  'deferred',
  'awaiting_input',
] as const

export const previousTiParam = z.object({ dag_id: name, task_id: name })
export const previousTiQuery = z.object({
  logical_date: utcInput.optional(),
  map_index: queryInt.default(-1),
  state: z.enum(tiStates).optional(),
})

/** `PreviousTIResponse` (or `null` when there is none). */
export const previousTi = z
  .object({
    task_id: z.string(),
    dag_id: z.string(),
    run_id: z.string(),
    logical_date: utc.nullable(),
    start_date: utc.nullable(),
    end_date: utc.nullable(),
    state: z.string().nullable(),
    try_number: z.int(),
    map_index: z.int(),
    duration: z.number().nullable(),
  })
  .meta({ title: 'PreviousTIResponse' })

export const breadcrumbsQuery = z.object({ dag_id: name, run_id: name })

/** `TaskBreadcrumbsResponse`: the finished task instances of a run. */
export const breadcrumbs = z
  .object({ breadcrumbs: z.array(z.record(z.string(), z.unknown())) })
  .meta({ title: 'TaskBreadcrumbsResponse' })
