import type * as z from 'zod'
import { TISuccessStatePayload } from './common.ts'
import * as v2025_04_11 from './v2025-04-11.ts'
import * as v2025_08_10 from './v2025-08-10.ts'
import * as v2026_04_06 from './v2026-04-06.ts'
import * as v2026_06_30 from './v2026-06-30.ts'
import * as v2026_11_13 from './v2026-11-13.ts'

// The Task SDK versions the replay runs as: the first, Airflow 3.1's, two of 2026 and the newest.
// A new Task SDK release: its transcription beside these and its row here.

/** What the replay needs of one SDK version's models. */
export interface SdkModels {
  version: string
  commit: string
  DagRun: z.ZodType
  TIRunContext: z.ZodType<{ dag_run: unknown; max_tries: number }>
  TIRetryStatePayload: z.ZodType
  TIDeferredStatePayload: z.ZodType
  TISuccessStatePayload: z.ZodType
  TriggerDAGRunPayload: z.ZodType
  /** `GET /variables/keys` and its answer, from 2026-06-30 on. */
  VariableKeysResponse?: z.ZodType
  /** The clear payload, from 2026-11-13 on; older SDKs clear with no body. */
  ClearDagRunPayload?: z.ZodType
  /** Where this SDK reads the previous dag run: none before 2025-08-10, then by dag, then by query. */
  previousRun?: 'by-dag' | 'by-query'
  /** From 2026-04-06: `GET /dag-runs/{dag_id}/{run_id}`. */
  dagRunDetail?: boolean
  /** From 2026-04-06: Human-in-the-loop details. */
  hitl?: boolean
  /** From 2026-06-30: the task and asset state stores. */
  stateStores?: boolean
}

export const sdkVersions: SdkModels[] = [
  v2025_04_11,
  { TISuccessStatePayload, previousRun: 'by-dag', ...v2025_08_10 },
  {
    TISuccessStatePayload,
    previousRun: 'by-query',
    dagRunDetail: true,
    hitl: true,
    ...v2026_04_06,
  },
  {
    TISuccessStatePayload,
    previousRun: 'by-query',
    dagRunDetail: true,
    hitl: true,
    stateStores: true,
    ...v2026_06_30,
  },
  {
    TISuccessStatePayload,
    previousRun: 'by-query',
    dagRunDetail: true,
    hitl: true,
    stateStores: true,
    ...v2026_11_13,
  },
]
