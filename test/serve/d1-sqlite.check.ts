import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteD1, type SqliteDatabase } from '../../src/serve/d1-sqlite.ts'
import { applyMigrations } from '../../src/serve/migrations.ts'

// The D1 shim on the driver of the runtime running this file (`node:sqlite` on Node and Deno,
// `bun:sqlite` on Bun): the answers D1 gives, as far as the Execution API relies on them.
// Prints `d1 shim (<runtime>): N passed, N failed`.

declare const Bun: unknown
declare const Deno: unknown
const runtime = typeof Bun !== 'undefined' ? 'bun' : typeof Deno !== 'undefined' ? 'deno' : 'node'

const open = async (path: string): Promise<SqliteDatabase> => {
  if (runtime === 'bun') {
    const { Database } = await import('bun:sqlite')
    return new Database(path, { create: true })
  }
  const { DatabaseSync } = await import('node:sqlite')
  return new DatabaseSync(path) as unknown as SqliteDatabase
}

const fresh = async () => {
  const db = new SqliteD1(await open(':memory:'))
  await db.exec(
    `CREATE TABLE parent (id TEXT PRIMARY KEY);
     CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER, blob BLOB,
       parent TEXT REFERENCES parent (id))`,
  )
  return db
}

const cases: [string, () => Promise<void>][] = [
  [
    'first(): the row, or null',
    async () => {
      const db = await fresh()
      await db.prepare('INSERT INTO t (name, n) VALUES (?, ?)').bind('a', 1).run()
      assert.deepEqual(await db.prepare('SELECT name, n FROM t').first(), { name: 'a', n: 1 })
      assert.equal(await db.prepare('SELECT * FROM t WHERE name = ?').bind('zz').first(), null)
    },
  ],
  [
    'first(column): the value; an unknown column throws',
    async () => {
      const db = await fresh()
      await db.prepare("INSERT INTO t (name) VALUES ('a')").run()
      assert.equal(await db.prepare('SELECT name FROM t').first('name'), 'a')
      await assert.rejects(db.prepare('SELECT name FROM t').first('nope'), /D1_COLUMN_NOTFOUND/)
    },
  ],
  [
    'bind: booleans as 0/1, undefined refused as D1 does',
    async () => {
      const db = await fresh()
      await db.prepare('INSERT INTO t (name, n) VALUES (?, ?)').bind('b', true).run()
      assert.equal(await db.prepare('SELECT n FROM t').first('n'), 1)
      const statement = db.prepare('INSERT INTO t (name) VALUES (?)').bind(undefined)
      await assert.rejects(statement.run(), /D1_TYPE_ERROR/)
    },
  ],
  [
    'run(): meta.changes and last_row_id',
    async () => {
      const db = await fresh()
      const insert = await db.prepare("INSERT INTO t (name) VALUES ('a'), ('b')").run()
      assert.equal(insert.success, true)
      assert.equal(insert.meta.changes, 2)
      assert.equal(insert.meta.last_row_id, 2)
      const none = await db.prepare("DELETE FROM t WHERE name = 'zz'").run()
      assert.equal(none.meta.changes, 0)
    },
  ],
  [
    'all() and raw()',
    async () => {
      const db = await fresh()
      await db.prepare("INSERT INTO t (name, n) VALUES ('a', 1), ('b', 2)").run()
      const all = await db.prepare('SELECT name, n FROM t ORDER BY n').all()
      assert.deepEqual(all.results, [
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ])
      assert.deepEqual(await db.prepare('SELECT name, n FROM t ORDER BY n').raw(), [
        ['a', 1],
        ['b', 2],
      ])
      const named = await db.prepare('SELECT name FROM t ORDER BY n').raw({ columnNames: true })
      assert.deepEqual(named, [['name'], ['a'], ['b']])
    },
  ],
  [
    'UPDATE … RETURNING through first() is one compare-and-set',
    async () => {
      const db = await fresh()
      await db.prepare("INSERT INTO t (name, n) VALUES ('a', 0)").run()
      const cas = "UPDATE t SET n = 1 WHERE name = 'a' AND n = 0 RETURNING n"
      assert.deepEqual(await db.prepare(cas).first(), { n: 1 })
      assert.equal(await db.prepare(cas).first(), null)
    },
  ],
  [
    'batch(): all statements or none',
    async () => {
      const db = await fresh()
      const insert = (name: string | null) =>
        db.prepare('INSERT INTO t (name) VALUES (?)').bind(name)
      const results = await db.batch([insert('a'), insert('b')])
      assert.equal(results.length, 2)
      await assert.rejects(db.batch([insert('c'), insert(null)]))
      assert.equal(await db.prepare('SELECT count(*) AS c FROM t').first('c'), 2)
    },
  ],
  [
    'foreign keys are enforced, as on D1',
    async () => {
      const db = await fresh()
      const orphan = db.prepare("INSERT INTO t (name, parent) VALUES ('a', 'nobody')")
      await assert.rejects(orphan.run())
    },
  ],
  [
    'blobs round-trip',
    async () => {
      const db = await fresh()
      await db
        .prepare("INSERT INTO t (name, blob) VALUES ('a', ?)")
        .bind(new Uint8Array([1, 2, 255]))
        .run()
      const blob = await db.prepare('SELECT blob FROM t').first<Uint8Array>('blob')
      assert.deepEqual([...(blob as Uint8Array)], [1, 2, 255])
    },
  ],
  [
    'migrations: applied once, in name order, recorded like wrangler',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hsj-migrations-'))
      try {
        writeFileSync(join(dir, '0002_more.sql'), 'ALTER TABLE a ADD COLUMN b TEXT;')
        writeFileSync(join(dir, '0001_init.sql'), 'CREATE TABLE a (id INTEGER PRIMARY KEY);')
        const db = new SqliteD1(await open(join(dir, 'db.sqlite')))
        assert.deepEqual(applyMigrations(db.sqlite, dir), ['0001_init.sql', '0002_more.sql'])
        assert.deepEqual(applyMigrations(db.sqlite, dir), [])
        const names = await db.prepare('SELECT name FROM d1_migrations ORDER BY id').raw()
        assert.deepEqual(names, [['0001_init.sql'], ['0002_more.sql']])
        writeFileSync(
          join(dir, '0003_broken.sql'),
          'CREATE TABLE c (id); SELECT nope FROM nowhere;',
        )
        assert.throws(() => applyMigrations(db.sqlite, dir), /0003_broken\.sql/)
        assert.equal(
          await db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").first(),
          null,
        )
        db.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  ],
]

let passed = 0
let failed = 0
for (const [name, fn] of cases) {
  try {
    await fn()
    passed++
  } catch (error) {
    failed++
    console.log(`  ✗ ${runtime} › ${name}\n    ${(error as Error).message}`)
  }
}
console.log(`d1 shim (${runtime}): ${passed} passed, ${failed} failed`)
if (failed) process.exitCode = 1
