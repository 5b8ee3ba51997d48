import { type ApiVersion, fieldAdded } from './change'

// versions/v2025_11_05.py (apache/airflow@e03ec6d7b1d70c1f0f23492d8a61fd989e53962a).
export default {
  date: '2025-11-05',
  changes: [
    {
      name: 'AddTriggeringUserNameField',
      description: 'Add the `triggering_user_name` field to DagRun model.',
      instructions: fieldAdded('DagRun', 'triggering_user_name'),
    },
  ],
} satisfies ApiVersion
