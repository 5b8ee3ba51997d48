import { type ApiVersion, endpointAdded, fieldAdded } from './change'

// versions/v2026_06_30.py, the changes `__init__.py` lists for this version at
// apache/airflow@00414da86b29a41513bb8fcbbf8766e6cb886e2f.

const stateStore = ['GET', 'PUT', 'DELETE'].flatMap((method) =>
  endpointAdded(
    method,
    '/store/ti/{task_instance_id}/{key}',
    '/store/asset/by-name/value',
    '/store/asset/by-uri/value',
  ),
)

export default {
  date: '2026-06-30',
  changes: [
    {
      name: 'AddVariableKeysEndpoint',
      description:
        'Add GET /variables/keys endpoint for listing variable keys with optional prefix filter.',
      instructions: endpointAdded('GET', '/variables/keys'),
    },
    {
      name: 'AddConnectionTestEndpoint',
      description: 'Add connection-tests endpoints for the async connection-test workflow.',
      instructions: [
        ...endpointAdded('PATCH', '/connection-tests/{connection_test_id}'),
        ...endpointAdded('GET', '/connection-tests/{connection_test_id}/connection'),
      ],
    },
    {
      name: 'AddAwaitingInputStatePayload',
      description:
        'Add the awaiting_input task instance state transition payload (Human-in-the-loop, no trigger).',
      instructions: fieldAdded(
        'TIAwaitingInputStatePayload',
        'state',
        'timeout',
        'next_method',
        'next_kwargs',
        'rendered_map_index',
      ),
    },
    {
      name: 'AddTaskInstanceQueueField',
      description: 'Add the `queue` field to the TaskInstance model.',
      instructions: fieldAdded('TaskInstance', 'queue'),
    },
    {
      name: 'AddRetryPolicyFields',
      description:
        'Add retry_delay_seconds and retry_reason fields to TIRetryStatePayload for pluggable retry policies.',
      instructions: fieldAdded('TIRetryStatePayload', 'retry_delay_seconds', 'retry_reason'),
    },
    {
      name: 'AddTeamNameField',
      description: 'Add the ``team_name`` field to DagRun model.',
      instructions: fieldAdded('DagRun', 'team_name'),
    },
    {
      name: 'AddTaskAndAssetStateStoreEndpoints',
      description: 'Add task state store and asset state store API endpoints.',
      instructions: [
        ...stateStore,
        ...endpointAdded('DELETE', '/store/ti/{task_instance_id}'),
        ...endpointAdded('DELETE', '/store/asset/by-name/clear', '/store/asset/by-uri/clear'),
      ],
    },
    {
      name: 'AddAssetsByAliasEndpoint',
      description: 'Add endpoint to resolve assets from an AssetAlias.',
      instructions: endpointAdded('GET', '/assets/by-alias'),
    },
    {
      name: 'AddPartitionDateField',
      description:
        "Expose the consumer DagRun's partition datetime on the execution API so consumer tasks can template it.",
      instructions: fieldAdded('DagRun', 'partition_date'),
    },
  ],
} satisfies ApiVersion
