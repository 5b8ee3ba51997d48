import type { ApiVersion } from './change'

// versions/v2025_05_20.py (apache/airflow@0a2df3e803b8aba6e622540c72c30617c6513456): before it,
// `upstream_map_indexes` mapped a task to one int; a list becomes its first item, anything else 0.
export default {
  date: '2025-05-20',
  changes: [
    {
      name: 'DowngradeUpstreamMapIndexes',
      description: 'Downgrade the upstream map indexes type for older clients.',
      instructions: [
        {
          kind: 'convert',
          model: 'TIRunContext',
          convert: (context) => {
            const indexes = context.upstream_map_indexes
            if (!indexes || typeof indexes !== 'object') return
            const downgraded: Record<string, number> = {}
            for (const [task, value] of Object.entries(indexes)) {
              const list = Array.isArray(value) && value.length > 0 ? value : undefined
              if (Number.isInteger(value)) downgraded[task] = value as number
              else if (list?.every(Number.isInteger)) downgraded[task] = list[0] as number
              else downgraded[task] = 0
            }
            context.upstream_map_indexes = downgraded
          },
        },
      ],
    },
  ],
} satisfies ApiVersion
