// npm run queue -- [--dag ID] [--run ID] [--task ID] [--map-index N] [--max-tries N] [--team NAME]
// What a scheduler does: adds a queued task instance to the local D1 database and prints one JSON
// line {"task_instance_id", "workload_token"} to stdout.
import { args, database, localD1, main, migrate, mint, settings, wrangler } from './common.mjs'

const sql = (value) =>
  value === null || value === undefined ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`

const integer = (value, name) => {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer`)
  return n
}

main(async () => {
  const options = args(
    {
      dag: { type: 'string', default: 'example_dag' },
      run: { type: 'string' },
      task: { type: 'string', default: 'example_task' },
      'map-index': { type: 'string', default: '-1' },
      'max-tries': { type: 'string', default: '0' },
      team: { type: 'string' },
    },
    `
Usage: npm run -s queue -- [--dag ID] [--run ID] [--task ID] [--map-index N] [--max-tries N] [--team NAME]
What a scheduler does: adds a queued task instance to the local D1 database and prints one JSON
line {"task_instance_id", "workload_token"} (-s keeps npm's banner off stdout).
  --dag ID           default: example_dag
  --run ID           default: manual__<now>
  --task ID          default: example_task
  --map-index N      default: -1
  --max-tries N      default: 0
  --team NAME        the dag's team (MULTI_TEAM=true)`,
  )
  const id = crypto.randomUUID()
  const run = options.run ?? `manual__${new Date().toISOString()}`
  const insert = [
    `INSERT INTO dags (dag_id, team) VALUES (${sql(options.dag)}, ${sql(options.team)})
       ON CONFLICT (dag_id) DO NOTHING`,
    `INSERT INTO task_instances (id, dag_id, run_id, task_id, map_index, max_tries)
       VALUES (${sql(id)}, ${sql(options.dag)}, ${sql(run)}, ${sql(options.task)},
               ${integer(options['map-index'], 'map-index')}, ${integer(options['max-tries'], 'max-tries')})`,
  ].join(';\n')
  const execute = () =>
    wrangler(['d1', 'execute', database, ...localD1(options.persistTo), '--command', insert], {
      quiet: true,
    })
  try {
    await execute()
  } catch (error) {
    // A fresh checkout where `npm run dev` never ran: create the tables, then try again.
    if (!/no such table/.test(error.text ?? '')) throw error
    await migrate(options.persistTo, { quiet: true })
    await execute()
  }
  const workload = await mint(settings(options.vars), { sub: id, scope: 'workload' })
  process.stdout.write(`${JSON.stringify({ task_instance_id: id, workload_token: workload })}\n`)
})
