import * as z from 'zod'
import * as previous from './v2026-06-30.ts'

// The newest version (API_VERSION "2026-11-13", apache/airflow@00414da86b29). Its
// `_generated.py` is not in the index this was read from; what the bundle says changed after
// 2026-06-30 (versions/v2026_10_30: `TIRunContext.arg_bindings`; v2026_11_13: a request field of
// the clear payload) leaves every model the replay reads as the 2026-06-30 transcription
// (014c5f048a12), with `arg_bindings` an optional field of the (non-strict) run context.

export const commit = previous.commit
export const version = '2026-11-13'

export const DagRun = previous.DagRun
export const TIRunContext = previous.TIRunContext.extend({
  arg_bindings: z.unknown().optional(),
})
export const TIRetryStatePayload = previous.TIRetryStatePayload
export const TIDeferredStatePayload = previous.TIDeferredStatePayload
export const VariableKeysResponse = previous.VariableKeysResponse
export const TriggerDAGRunPayload = previous.TriggerDAGRunPayload
/** `ClearDagRunPayload`, which this version adds (versions/v2026_11_13.py). */
export const ClearDagRunPayload = z.strictObject({ only_failed: z.boolean().optional() })
