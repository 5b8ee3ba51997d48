import { type ApiVersion, fieldAdded } from './change'

// versions/v2025_09_23.py (apache/airflow@af2bb1c0ab6fc7f2a1da3539f72b3e9426ed1269).
export default {
  date: '2025-09-23',
  changes: [
    {
      name: 'AddDagVersionIdField',
      description: 'Add the `dag_version_id` field to the TaskInstance model.',
      instructions: fieldAdded('TaskInstance', 'dag_version_id'),
    },
  ],
} satisfies ApiVersion
