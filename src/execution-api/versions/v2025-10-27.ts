import type { ApiVersion } from './change'

// versions/v2025_10_27.py (apache/airflow@418ea6bb42597b5da06608c2303d17c16257bdbf).
export default {
  date: '2025-10-27',
  changes: [
    {
      name: 'MakeDagRunConfNullable',
      description: 'Make DagRun.conf field nullable to match database schema.',
      instructions: [
        { kind: 'field-nullable', model: 'DagRun', field: 'conf', fallback: () => ({}) },
      ],
    },
  ],
} satisfies ApiVersion
