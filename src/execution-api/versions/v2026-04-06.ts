import { type ApiVersion, endpointAdded, fieldAdded, type Json } from './change'

// versions/v2026_04_06.py (apache/airflow@0506f7579ea6e4dc4ecec0158ef0a268868ae28e).

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A value in the SDK's serde JSON (plain dicts; datetimes as `__classname__` objects) written the
 * way Airflow's `BaseSerialization` does, the only format Task SDKs before 1.2 can read back:
 * dicts as `{"__type": "dict", "__var": …}`, datetimes as `{"__type": "datetime", "__var": ts}`.
 */
const baseSerialization = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(baseSerialization)
  if (!isObject(value)) return value
  if (value.__classname__ === 'datetime.datetime' && isObject(value.__data__))
    return { __type: 'datetime', __var: value.__data__.timestamp }
  const entries = Object.entries(value).map(([k, v]) => [k, baseSerialization(v)])
  return { __type: 'dict', __var: Object.fromEntries(entries) }
}

const dagRunStartDate = (run: Json) => run.run_after

export default {
  date: '2026-04-06',
  changes: [
    {
      name: 'AddPartitionKeyField',
      description:
        'Add `partition_key` to the Dag run, asset event, asset reference and trigger payload models.',
      instructions: [
        'DagRun',
        'AssetEventResponse',
        'TriggerDAGRunPayload',
        'DagRunAssetReference',
      ].flatMap((model) => fieldAdded(model, 'partition_key')),
    },
    {
      name: 'MovePreviousRunEndpoint',
      description: 'Add new previous-run endpoint and migrate old endpoint.',
      instructions: [
        {
          kind: 'endpoint-moved',
          method: 'GET',
          path: '/dag-runs/previous',
          older: '/dag-runs/{dag_id}/previous',
        },
      ],
    },
    {
      name: 'AddDagRunDetailEndpoint',
      description: 'Add dag run detail endpoint.',
      instructions: endpointAdded('GET', '/dag-runs/{dag_id}/{run_id}'),
    },
    {
      name: 'MakeDagRunStartDateNullable',
      description: "Make DagRun.start_date field nullable for runs that haven't started yet.",
      instructions: [
        { kind: 'field-nullable', model: 'DagRun', field: 'start_date', fallback: dagRunStartDate },
      ],
    },
    {
      name: 'ModifyDeferredTaskKwargsToJsonValue',
      description:
        'Change the types of `trigger_kwargs` and `next_kwargs` in TIDeferredStatePayload to JsonValue.',
      instructions: [
        {
          kind: 'field-narrowed',
          model: 'TIDeferredStatePayload',
          field: 'trigger_kwargs',
          accepts: (v) => v === null || typeof v === 'string' || isObject(v),
          type: 'a valid dictionary or string',
        },
        {
          kind: 'field-narrowed',
          model: 'TIDeferredStatePayload',
          field: 'next_kwargs',
          accepts: (v) => v === null || isObject(v),
          type: 'a valid dictionary',
        },
        {
          kind: 'convert',
          model: 'TIRunContext',
          convert: (context) => {
            const kwargs = context.next_kwargs
            // Already BaseSerialization (a resumed task of an older worker): left as it is.
            if (!isObject(kwargs) || '__type' in kwargs) return
            context.next_kwargs = baseSerialization(kwargs)
          },
        },
      ],
    },
    {
      name: 'RemoveUpstreamMapIndexesField',
      description:
        'Remove upstream_map_indexes field from TIRunContext - now computed by Task SDK.',
      instructions: [
        {
          kind: 'field-removed',
          model: 'TIRunContext',
          field: 'upstream_map_indexes',
          value: null,
        },
      ],
    },
    {
      name: 'AddNoteField',
      description: 'Add note parameter to DagRun Model.',
      instructions: [
        ...fieldAdded('DagRun', 'note'),
        ...fieldAdded('TriggerDAGRunPayload', 'note'),
      ],
    },
    {
      name: 'AddTaskInstanceStartDateField',
      description: 'Add `start_date` field to TIRunContext.',
      instructions: fieldAdded('TIRunContext', 'start_date'),
    },
    {
      name: 'AddRunAfterField',
      description: 'Add run_after parameter to TriggerDAGRunPayload Model.',
      instructions: fieldAdded('TriggerDAGRunPayload', 'run_after'),
    },
    {
      name: 'AddDagEndpoint',
      description: 'Add the `/dags/{dag_id}` endpoint.',
      instructions: endpointAdded('GET', '/dags/{dag_id}'),
    },
  ],
} satisfies ApiVersion
