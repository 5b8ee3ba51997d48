import * as z from 'zod'
import * as c from './common.ts'
import * as next from './v2025-08-10.ts'

// The first version's models (API_VERSION "2025-04-11", Task SDK of Airflow 3.0.0). No commit of
// `_generated.py` with that API_VERSION is in the index this was read from, so they are the
// 2025-08-10 transcription (5935b73014b2) taken back through what Airflow's own bundle says
// changed in between (versions/v2025_04_28, v2025_05_20, v2025_08_10 at 00414da86b29): no
// `DagRun.state`, no `rendered_map_index` in the state payloads, `upstream_map_indexes` mapping
// a task to one int.

export const commit = next.commit
export const version = '2025-04-11'

export const DagRun = next.DagRun.omit({ state: true })

export const TIRunContext = next.TIRunContext.extend({
  dag_run: DagRun,
  upstream_map_indexes: c.optional(z.record(z.string(), z.int())),
})

export const TIRetryStatePayload = next.TIRetryStatePayload.omit({ rendered_map_index: true })
export const TIDeferredStatePayload = next.TIDeferredStatePayload.omit({ rendered_map_index: true })
export const TriggerDAGRunPayload = next.TriggerDAGRunPayload
export const TISuccessStatePayload = c.TISuccessStatePayload.omit({ rendered_map_index: true })
