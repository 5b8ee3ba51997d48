// npm run token -- --sub UUID [--scope execution|workload] [--ttl SECONDS]
// Prints one token signed with the local development key.
import { args, main, mint, settings } from './common.mjs'

main(async () => {
  const options = args(
    {
      sub: { type: 'string' },
      scope: { type: 'string', default: 'execution' },
      ttl: { type: 'string' },
    },
    `
Usage: npm run token -- --sub UUID [--scope execution|workload] [--ttl SECONDS]
Prints one token signed with the local development key (the one \`npm run dev\` wrote).
  --sub UUID         the task instance id (\`npm run -s queue\` prints one)
  --scope TYPE       execution (default) or workload
  --ttl SECONDS      lifetime (default: JWT_EXPIRATION_TIME, or WORKLOAD_TOKEN_EXPIRATION_TIME)`,
  )
  if (options.sub === undefined) throw new Error('--sub UUID is required (the task instance id)')
  if (!/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(options.sub)) {
    throw new Error(
      `--sub is not a UUID: '${options.sub}' (the task instance id, e.g. ${crypto.randomUUID()})`,
    )
  }
  if (!['execution', 'workload'].includes(options.scope)) {
    throw new Error('--scope must be execution or workload')
  }
  const token = await mint(settings(options.vars), options)
  process.stdout.write(`${token}\n`)
})
