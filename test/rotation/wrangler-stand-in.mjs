// Stands in for `npx wrangler` in the README's rotation steps (test/rotation/run.ts): `secret put
// NAME` (value on stdin, kept as wrangler keeps it), `secret bulk` (a JSON object on stdin, one
// deployment for all), `secret delete NAME`. Like wrangler, it returns once the new version serves:
// the runner's control endpoint deploys the Worker with the change.
const [command, action, name] = process.argv.slice(2)
const known = ['put', 'delete'].includes(action) ? name : action === 'bulk' && !name
if (command !== 'secret' || !known) {
  process.stderr.write(`wrangler stand-in: unsupported: ${process.argv.slice(2).join(' ')}\n`)
  process.exit(2)
}
let input
if (action !== 'delete') {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  input = Buffer.concat(chunks).toString('utf8')
}
const change =
  action === 'bulk' ? { secrets: JSON.parse(input) } : { secrets: { [name]: input ?? null } }
const res = await fetch(process.env.ROTATION_CONTROL_URL, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(change),
})
if (res.status !== 204) {
  process.stderr.write(`wrangler stand-in: ${action} ${name} failed: ${await res.text()}\n`)
  process.exit(1)
}
const done = { put: `Uploaded secret ${name}`, bulk: 'Uploaded secrets', delete: `Deleted ${name}` }
process.stderr.write(`✨ Success! ${done[action]}\n`)
