import { type ApiVersion, endpointAdded, fieldAdded } from './change'

// versions/v2026_10_30.py (apache/airflow@09d66cdfebd894baaa85794081ccd775ac7802f4), the two
// changes `__init__.py` lists for this version at apache/airflow@00414da86b29.
export default {
  date: '2026-10-30',
  changes: [
    {
      name: 'AddArgBindingsToTIRunContext',
      description:
        'Add the ``arg_bindings`` argument-binding spec for stub (foreign-runtime) tasks.',
      instructions: fieldAdded('TIRunContext', 'arg_bindings'),
    },
    {
      name: 'AddCallbackRunEndpoint',
      description:
        'Add the callbacks/{callback_id}/run endpoint a worker uses to exchange its single-use callback token.',
      instructions: endpointAdded('PATCH', '/callbacks/{callback_id}/run'),
    },
  ],
} satisfies ApiVersion
