// Proves that the tests need no git checkout: `git archive HEAD` is unpacked into a temporary
// folder (no `.git`, as a release tarball or a source download), node_modules is linked from this
// clone (the archive's lock file is this clone's, so `npm ci` would install the same tree), and
// the `npm test` steps that used to call git run there through scripts/test.mjs. It needs git to
// make the archive, so it is a maintainer's check, not a step of `npm test`:
//   npm run check:archive                    # biome, the repository checks, walkthrough, rotation
//   npm run check:archive -- rotation docs   # the steps whose names start with these words
// HEAD is what is archived: commit first.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const steps = process.argv.slice(2)
const only = steps.length ? steps : ['biome', 'node (loopback', 'walkthrough', 'rotation']

const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
  cwd: root,
  encoding: 'utf8',
})
if (dirty.status !== 0) throw new Error(`not a git checkout: ${dirty.stderr}`)
if (dirty.stdout.trim()) console.warn('uncommitted changes are not in the archive (HEAD only)')

const folder = mkdtempSync(join(tmpdir(), 'hsj-archive-'))
try {
  const archive = spawnSync(
    'bash',
    ['-o', 'pipefail', '-c', `git archive HEAD | tar -x -C "$1"`, '_', folder],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
  if (archive.status !== 0) throw new Error('git archive HEAD | tar -x failed')
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir')
  // No repository is visible from the folder, as in a source download: a test that runs git fails.
  const probe = spawnSync('git', ['rev-parse', '--git-dir'], { cwd: folder, encoding: 'utf8' })
  if (probe.status === 0) throw new Error(`git still sees a repository: ${probe.stdout.trim()}`)
  console.log(`archive of HEAD in ${folder} (no .git); steps: ${only.join(', ')}`)
  const test = spawnSync(
    process.execPath,
    [join(folder, 'scripts', 'test.mjs'), '--only', ...only],
    {
      cwd: folder,
      stdio: 'inherit',
    },
  )
  process.exitCode = test.status ?? 1
} finally {
  rmSync(folder, { recursive: true, force: true })
}
