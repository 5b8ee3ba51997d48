// Stands in for `npx wrangler` in the README's rotation steps (test/rotation/run.ts): `secret put
// NAME` (value on stdin, kept as wrangler keeps it), `secret delete NAME`. Like wrangler, it returns
// once the new version serves: the runner's control endpoint deploys the Worker with the change.
const [command, action, name] = process.argv.slice(2)
if (command !== 'secret' || !['put', 'delete'].includes(action) || !name) {
  process.stderr.write(`wrangler stand-in: unsupported: ${process.argv.slice(2).join(' ')}\n`)
  process.exit(2)
}
let value
if (action === 'put') {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  value = Buffer.concat(chunks).toString('utf8')
}
const res = await fetch(process.env.ROTATION_CONTROL_URL, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name, value }),
})
if (res.status !== 204) {
  process.stderr.write(`wrangler stand-in: ${action} ${name} failed: ${await res.text()}\n`)
  process.exit(1)
}
process.stderr.write(`✨ Success! ${action === 'put' ? 'Uploaded' : 'Deleted'} secret ${name}\n`)
