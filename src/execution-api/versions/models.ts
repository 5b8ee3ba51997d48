// Where Airflow's named models appear in this Worker's answers and requests (head paths, under
// `/execution`), so that an instruction about `DagRun` reaches every DagRun: the run context's
// `dag_run`, the dag-run detail, the previous dag run. Model names are those of Airflow's server
// models (airflow-core/src/airflow/api_fastapi/execution_api/datamodels/), which the Task SDK's
// `_generated.py` repeats.

/** A model's fields that hold other models; `[]` marks a list of them. */
export const nestedModels: Record<string, Record<string, string>> = {
  TIRunContext: { dag_run: 'DagRun' },
  DagRun: { 'consumed_asset_events[]': 'AssetEventDagRunReference' },
  AssetEventsResponse: { 'asset_events[]': 'AssetEventResponse' },
  AssetEventResponse: { 'created_dagruns[]': 'DagRunAssetReference' },
}

/** `TIStateUpdate`: the payload model is chosen by `state`, as Airflow's discriminator does. */
const stateUpdate = (body: Record<string, unknown>) => {
  switch (body.state) {
    case 'success':
      return 'TISuccessStatePayload'
    case 'failed':
    case 'skipped':
    case 'removed':
    case 'upstream_failed':
      return 'TITerminalStatePayload'
    case 'up_for_retry':
      return 'TIRetryStatePayload'
    case 'deferred':
      return 'TIDeferredStatePayload'
    case 'up_for_reschedule':
      return 'TIRescheduleStatePayload'
    case 'awaiting_input':
      return 'TIAwaitingInputStatePayload'
    default:
      return 'TITargetStatePayload'
  }
}

export interface EndpointModels {
  method: string
  /** Head path, Airflow's spelling (`{param}`), without the `/execution` base. */
  path: string
  /** The request body's model, or how to pick it from the body. */
  request?: string | ((body: Record<string, unknown>) => string)
  /** The query parameters' model. */
  query?: string
  /** The answer's model (an answer may also be `null`). */
  response?: string
}

export const endpointModels: readonly EndpointModels[] = [
  {
    method: 'PATCH',
    path: '/task-instances/{task_instance_id}/run',
    request: 'TIEnterRunningPayload',
    response: 'TIRunContext',
  },
  { method: 'PATCH', path: '/task-instances/{task_instance_id}/state', request: stateUpdate },
  { method: 'GET', path: '/dag-runs/previous', response: 'DagRun' },
  { method: 'GET', path: '/dag-runs/{dag_id}/{run_id}', response: 'DagRun' },
  { method: 'POST', path: '/dag-runs/{dag_id}/{run_id}', request: 'TriggerDAGRunPayload' },
  { method: 'POST', path: '/dag-runs/{dag_id}/{run_id}/clear', request: 'ClearDagRunPayload' },
  { method: 'GET', path: '/asset-events/by-asset', response: 'AssetEventsResponse' },
  { method: 'GET', path: '/asset-events/by-asset-alias', response: 'AssetEventsResponse' },
  {
    method: 'GET',
    path: '/xcoms/{dag_id}/{run_id}/{task_id}/{key}/slice',
    query: 'GetXComSliceFilterParams',
  },
]
