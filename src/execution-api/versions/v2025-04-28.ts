import { type ApiVersion, fieldAdded } from './change'

// versions/v2025_04_28.py (apache/airflow@f558eadcfe4efbb8bdc1600b2c87d2d15fe6b343).
export default {
  date: '2025-04-28',
  changes: [
    {
      name: 'AddRenderedMapIndexField',
      description: 'Add the `rendered_map_index` field to payload models.',
      instructions: [
        'TITerminalStatePayload',
        'TISuccessStatePayload',
        'TIDeferredStatePayload',
        'TIRetryStatePayload',
      ].flatMap((model) => fieldAdded(model, 'rendered_map_index')),
    },
  ],
} satisfies ApiVersion
