// The repository stands alone: a clone in an empty folder has every file its tests, scripts and
// benchmarks read, and what a developer leaves in the clone (`.dev.vars`, `.env`) never reaches the
// tests. Runs in Node (`node --test`, a step of scripts/test.mjs): it reads the host's files.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, relative, resolve, sep } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isolatedWranglerConfig } from '../setup/wrangler-config.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const self = relative(root, fileURLToPath(import.meta.url))

/** Folders whose files tests, scripts and benchmarks are, and the config files at the top. */
const scanned = ['test', 'scripts', 'bench', 'src', '.ci']
const skipped = new Set(['node_modules', 'dist', '.wrangler', 'vectors'])
const textFile = /\.(?:[cm]?[jt]s|json|jsonc|toml|sh)$/

/** Strings that look like paths but are data, never read: file and reason. */
const notPaths = {
  'test/security/attacks.test.ts': ['../../../../etc/passwd'], // a hostile `kid`, never opened
}

const walk = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : walk(path)
    return textFile.test(entry.name) || extname(entry.name) === '' ? [path] : []
  })

const files = () => [
  ...readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() && textFile.test(e.name) && e.name !== 'package-lock.json')
    .map((e) => e.name),
  ...scanned.filter((dir) => existsSync(join(root, dir))).flatMap(walk),
]

const inside = (path) => path === root || path.startsWith(root + sep)

/**
 * What in `text` (the file at `file`, relative to the root) names a place outside the repository:
 * the old shared folder beside the repository, absolute paths into a home or work folder, a relative string that
 * climbs above the root from the file's folder, or `root`/`repo` joined with `..`.
 */
const outsidePaths = (file, text) => {
  const problems = []
  const allowed = notPaths[file] ?? []
  for (const match of text.matchAll(/\.\.\/shared\b|\/shared\/vectors\b/g)) problems.push(match[0])
  for (const match of text.matchAll(/['"`](\/(?:work|home|Users|root|mnt|srv)\/[^'"`\s]*)/g)) {
    problems.push(match[1])
  }
  for (const match of text.matchAll(/['"`]((?:\.\.?\/)+[^'"`\s]*)['"`]/g)) {
    const literal = match[1]
    if (!literal.includes('..') || allowed.includes(literal)) continue
    if (!inside(resolve(root, dirname(file), literal))) problems.push(literal)
  }
  for (const match of text.matchAll(
    /\b(?:root|repo|here)\s*,\s*['"`]\.\.|\bdirname\(\s*root\s*\)|\$\{root\}\/\.\./g,
  )) {
    problems.push(match[0])
  }
  return problems
}

test('no test, script, benchmark or config reads a path outside the repository', () => {
  const found = files()
    .filter((file) => file !== self)
    .flatMap((file) =>
      outsidePaths(file, readFileSync(join(root, file), 'utf8')).map((p) => `${file}: ${p}`),
    )
  assert.ok(files().length > 50, 'the scan sees the repository')
  assert.deepEqual(found, [])
})

test('the scan flags what a clone would not have', () => {
  // Spelt in pieces, so that this file itself names no folder outside the repository.
  const shared = ['..', 'shared'].join('/')
  const flagged = [
    ['test/security/vectors.mjs', `new URL('../../${shared}/vectors/', import.meta.url)`],
    ['vitest.config.ts', `// Public vectors from ${shared}, read here`],
    ['scripts/x.mjs', "readFileSync(join(root, '..', 'fixtures.json'))"],
    ['bench/x.mjs', 'const dir = dirname(root)'],
    ['test/x/y.ts', "readFileSync('../../../data.json')"],
    ['test/x/y.ts', `const data = \`\${root}/../data.json\``],
    ['test/x/y.ts', "const vectors = '/work/shared/vectors'"],
    ['wrangler.toml', 'main = "../worker.ts"'],
  ]
  for (const [file, text] of flagged) {
    assert.notDeepEqual(outsidePaths(file, text), [], `${file}: ${text}`)
  }
  const fine = [
    ['test/auth/x.test.ts', "import { jwtAuth } from '../../src/index'"],
    ['test/execution-api/x.mjs', "resolve(dirname(fileURLToPath(import.meta.url)), '../..')"],
    ['test/security/vectors.mjs', "new URL('../vectors/', import.meta.url)"],
    ['test/security/attacks.test.ts', "'../../../../etc/passwd'"],
  ]
  for (const [file, text] of fine)
    assert.deepEqual(outsidePaths(file, text), [], `${file}: ${text}`)
})

test('the public vectors are in the repository, with their licences and source', () => {
  const vectors = join(root, 'test', 'vectors')
  for (const file of [
    'README.md',
    'wycheproof/LICENSE',
    'wycheproof/json_web_signature_test.json',
    'jose-cookbook/LICENSE',
    'jose-cookbook/curve25519/jws.json',
  ]) {
    assert.ok(existsSync(join(vectors, file)), `test/vectors/${file}`)
  }
  const readme = readFileSync(join(vectors, 'README.md'), 'utf8')
  for (const note of ['C2SP/wycheproof', 'dac1dd47', 'Apache-2.0', 'ietf-jose/cookbook', '13692b6'])
    assert.ok(readme.includes(note), `test/vectors/README.md names ${note}`)
})

test('tests hand wrangler the repository config only through isolatedWranglerConfig', () => {
  // `configPath: './wrangler.toml'` would load the .dev.vars beside it (vitest pool, test harness).
  const direct = files()
    .filter((file) => file.startsWith(`test${sep}`) && file !== self)
    .filter((file) =>
      /configPath:\s*['"`](?:\.\/)?wrangler\.toml/.test(readFileSync(join(root, file), 'utf8')),
    )
  assert.deepEqual(direct, [])
})

test("the workers pool never sees a developer's .dev.vars or .env", async () => {
  const { unstable_getMiniflareWorkerOptions: workerOptions } = await import('wrangler')
  const clone = mkdtempSync(join(tmpdir(), 'hsj-devvars-'))
  try {
    writeFileSync(join(clone, 'wrangler.toml'), readFileSync(join(root, 'wrangler.toml')))
    writeFileSync(join(clone, '.dev.vars'), "JWT_SECRET='from-dev-vars'\n")
    writeFileSync(join(clone, '.env'), "JWKS_URL='https://from-dot-env.example'\n")
    const bindings = (path) => workerOptions(path).workerOptions.bindings ?? {}

    // What wrangler does with the config beside the developer's files: it loads them.
    assert.equal(bindings(join(clone, 'wrangler.toml')).JWT_SECRET, 'from-dev-vars')

    // What the pool gets (vitest.config.ts): wrangler.toml's vars and nothing else.
    const isolated = bindings(isolatedWranglerConfig(clone))
    assert.equal(isolated.JWT_SECRET, undefined)
    assert.equal(isolated.JWKS_URL, undefined)
    assert.equal(isolated.JWT_AUDIENCE, 'urn:airflow.apache.org:task')
  } finally {
    rmSync(clone, { recursive: true, force: true })
  }
})

// A source archive (`git archive`, a release tarball) has no `.git`: a test that runs git fails
// there. scripts/check-archive.mjs runs git by design (it makes the archive) and is no test step.
const runsGit =
  /\b(?:spawn|spawnSync|exec|execSync|execFile|execFileSync)\(\s*['"`]git['"`]|['"`]git\s/
const makesArchives = join('scripts', 'check-archive.mjs')
// Comments may name git (`git status` in a comment saying why it is not used); code may not.
const withoutComments = (text) =>
  text.replace(/^\s*(?:\/\/|\/?\*).*$/gm, '').replace(/\s\/\/ .*$/gm, '')

test('no test, script or benchmark runs git: they pass in a source archive', () => {
  const found = files()
    .filter((file) => !file.startsWith(`src${sep}`) && file !== self && file !== makesArchives)
    .filter((file) => runsGit.test(withoutComments(readFileSync(join(root, file), 'utf8'))))
  assert.deepEqual(found, [])
  for (const text of [
    'stdoutOf(`git -C "$ROOT" status --porcelain --ignored`)',
    "spawnSync('git', ['status', '--porcelain'])",
    'execSync("git rev-parse HEAD")',
  ]) {
    assert.ok(runsGit.test(text), text)
  }
  assert.ok(!runsGit.test(withoutComments('// never `git status`\nconst digit = "legit"')))
})

test('.ci/run does what the README says and nothing more: npm ci, then npm test', () => {
  const commands = readFileSync(join(root, '.ci', 'run'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .filter((line) => !/^set -[a-z]+ pipefail$/.test(line) && !line.startsWith('cd "$(dirname'))
  assert.deepEqual(commands, ['npm ci --no-audit --no-fund', 'npm test'])
})
