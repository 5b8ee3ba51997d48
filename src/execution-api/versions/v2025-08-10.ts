import { type ApiVersion, endpointAdded, fieldAdded } from './change'

// versions/v2025_08_10.py (apache/airflow@09cb84bdd689cf599e0f617346cba61bbc267037).
export default {
  date: '2025-08-10',
  changes: [
    {
      name: 'AddDagRunStateFieldAndPreviousEndpoint',
      description:
        'Add the `state` field to DagRun model and `/dag-runs/{dag_id}/previous` endpoint.',
      instructions: [
        ...fieldAdded('DagRun', 'state'),
        // The path it had then; 2026-04-06 moved it to `/dag-runs/previous`.
        ...endpointAdded('GET', '/dag-runs/{dag_id}/previous'),
      ],
    },
    {
      name: 'AddIncludePriorDatesToGetXComSlice',
      description: 'Add the `include_prior_dates` field to GetXComSliceFilterParams.',
      instructions: fieldAdded('GetXComSliceFilterParams', 'include_prior_dates'),
    },
  ],
} satisfies ApiVersion
