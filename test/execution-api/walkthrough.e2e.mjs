// Runs the README's curl walk-through, as written, against a real `npm run dev` (wrangler dev on a
// free loopback port, with its own D1 state and key file in a temporary directory). Run by
// `npm test` on Node; exits non-zero on failure. Bounded: 120 s at most. The block runs in the
// repository, as a reader runs it, and must leave no file there (compared by walking the folder:
// no git needed).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { changedFiles, filesSnapshot } from '../repo/files-snapshot.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const work = mkdtempSync(join(tmpdir(), 'hsj-walkthrough-'))
const state = join(work, 'state')
const vars = join(work, 'dev.vars')
const deadline = Date.now() + 120_000

const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })

const fail = (message) => {
  throw new Error(message)
}

const port = await freePort()
const cli = (name) => `"${process.execPath}" "${join(root, 'src/cli', name)}"`
// Its own process group, so that wrangler and workerd stop with it.
const dev = spawn(
  process.execPath,
  [join(root, 'src/cli/dev.mjs'), '--port', String(port), '--persist-to', state, '--vars', vars],
  { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
)
const devLog = []
dev.stdout.on('data', (c) => devLog.push(c))
dev.stderr.on('data', (c) => devLog.push(c))

try {
  const api = `http://127.0.0.1:${port}/execution`
  for (;;) {
    if (Date.now() > deadline) fail('wrangler dev did not answer /execution/health in time')
    if (dev.exitCode !== null) fail(`npm run dev exited (${dev.exitCode})`)
    const ok = await fetch(`${api}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 250))
  }

  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(
    readme,
  )?.[1]
  if (!block) fail('README has no walkthrough block')
  const script = block
    .replaceAll(
      'npm run -s queue --',
      `${cli('queue.mjs')} --persist-to "${state}" --vars "${vars}"`,
    )
    .replaceAll('http://127.0.0.1:8787', `http://127.0.0.1:${port}`)
  // The repository's files, not `git status` (a source archive has no `.git`); `.wrangler` is the
  // scratch folder wrangler dev writes meanwhile, git-ignored.
  const before = filesSnapshot(root, ['.wrangler'])
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: Math.max(deadline - Date.now(), 1),
    // `node` in the block is the project's Node 22; its `mktemp -d` lands in `work`, removed below.
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      TMPDIR: work,
    },
  })
  process.stdout.write(run.stdout)
  if (run.status !== 0) fail(`walkthrough failed (${run.status}):\n${run.stderr}`)
  const left = changedFiles(before, filesSnapshot(root, ['.wrangler']))
  if (left.length) {
    for (const path of left.filter((p) => !before.has(p))) rmSync(join(root, path), { force: true })
    fail(`walkthrough changed files in the repository (new ones removed):\n${left.join('\n')}`)
  }
  for (const expected of [
    '"dag_run":{"dag_id":"etl"',
    '"max_tries":0',
    'heartbeat 204',
    'state 204',
  ]) {
    if (!run.stdout.includes(expected)) fail(`walkthrough output lacks ${expected}`)
  }
  // `npm run token`: an execution token reads (404: no such variable), a workload token is refused.
  const sub = crypto.randomUUID()
  for (const [scope, status] of [
    ['execution', 404],
    ['workload', 403],
  ]) {
    const token = spawnSync(
      process.execPath,
      [join(root, 'src/cli/token.mjs'), '--sub', sub, '--scope', scope, '--vars', vars],
      { encoding: 'utf8' },
    ).stdout.trim()
    const res = await fetch(`${api}/variables/none`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (res.status !== status) fail(`npm run token (${scope}): ${res.status}, not ${status}`)
  }
  console.log('walkthrough: ok')
} catch (error) {
  process.stderr.write(`${Buffer.concat(devLog).toString()}\n${error.message}\n`)
  process.exitCode = 1
} finally {
  try {
    process.kill(-dev.pid, 'SIGTERM')
  } catch {}
  rmSync(work, { recursive: true, force: true })
}
