import { type ApiVersion, fieldAdded } from './change'

// versions/v2026_11_13.py (apache/airflow@39eb04535dd73c19e351c608765ef605fe0107ca): an older
// client sending `only_failed` is refused (the payload forbids extras), never silently widened.
export default {
  date: '2026-11-13',
  changes: [
    {
      name: 'AddOnlyFailedToClearDagRunPayload',
      description: 'Add the ``only_failed`` field to the clear-dag-run request payload.',
      instructions: fieldAdded('ClearDagRunPayload', 'only_failed'),
    },
  ],
} satisfies ApiVersion
