import type { ApiVersion } from './change'

// The first version Airflow's bundle serves (airflow-core/src/airflow/api_fastapi/execution_api/
// versions/__init__.py at apache/airflow@00414da86b29a41513bb8fcbbf8766e6cb886e2f): no changes, everything later is described against it.
export default { date: '2025-04-11', changes: [] } satisfies ApiVersion
