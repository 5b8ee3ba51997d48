// npm run token -- --sub UUID [--scope execution|workload] [--ttl SECONDS]
// Prints one token signed with the local development key.
import { args, main, mint, settings } from './common.mjs'

main(async () => {
  const options = args({
    sub: { type: 'string' },
    scope: { type: 'string', default: 'execution' },
    ttl: { type: 'string' },
  })
  if (!/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(options.sub ?? '')) {
    throw new Error('--sub UUID is required (the task instance id)')
  }
  if (!['execution', 'workload'].includes(options.scope)) {
    throw new Error('--scope must be execution or workload')
  }
  const token = await mint(settings(options.vars), options)
  process.stdout.write(`${token}\n`)
})
