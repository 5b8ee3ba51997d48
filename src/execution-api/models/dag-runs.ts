import * as z from 'zod'
import { jsonObject, name, queryList, utc, utcInput } from './common'

// Dag runs and dags as a task asks about them, after execution_api/datamodels/dagrun.py and
// dags.py, and routes/dag_runs.py at apache/airflow@04f2971f0bcb (the bodies at their newest
// shapes: `TriggerDAGRunPayload` with `run_after`, `partition_key` and `note`, 2026-04-06;
// `ClearDagRunPayload` with `only_failed`, 2026-11-13).

const dagRunStates = ['queued', 'running', 'success', 'failed'] as const

export const dagRunParam = z.object({ dag_id: name, run_id: name })
export const dagParam = z.object({ dag_id: name })

/** `TriggerDAGRunPayload` (`extra="forbid"`). */
export const triggerBody = z
  .strictObject({
    logical_date: utcInput.nullable().optional(),
    run_after: utcInput.nullable().optional(),
    conf: jsonObject.nullable().optional(),
    reset_dag_run: z.boolean().optional(),
    partition_key: z.string().nullable().optional(),
    note: z.string().nullable().optional(),
  })
  .meta({ title: 'TriggerDAGRunPayload' })

/** `ClearDagRunPayload`: clear every task instance of the run, or only the failed ones. */
export const clearBody = z
  .strictObject({ only_failed: z.boolean().default(false) })
  .meta({ title: 'ClearDagRunPayload' })

/** `DagRunStateResponse`. */
export const dagRunState = z
  .object({ state: z.enum(dagRunStates) })
  .meta({ title: 'DagRunStateResponse' })

export const dagRunCountQuery = z.object({
  dag_id: name,
  logical_dates: queryList(utcInput).optional(),
  run_ids: queryList(name).optional(),
  states: queryList(z.string()).optional(),
})

export const previousDagRunQuery = z.object({
  dag_id: name,
  logical_date: utcInput,
  state: z.enum(dagRunStates).optional(),
})

/** `DagResponse`. */
export const dagAnswer = z
  .object({
    dag_id: z.string(),
    is_paused: z.boolean(),
    bundle_name: z.string().nullable(),
    bundle_version: z.string().nullable(),
    relative_fileloc: z.string().nullable(),
    owners: z.string().nullable(),
    tags: z.array(z.string()),
    next_dagrun: utc.nullable(),
  })
  .meta({ title: 'DagResponse' })

/** A 400 or 404 with a reason and message, or a 409 for a run that exists already. */
export const reasoned = z.object({ detail: z.object({ reason: z.string(), message: z.string() }) })
