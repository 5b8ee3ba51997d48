import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SqliteDatabase } from './d1-sqlite'

// The Worker's migration files, applied as `wrangler d1 migrations apply` does: in name order, each
// in its own transaction, recorded in the same `d1_migrations` table so each runs once per database.

const ledger = `CREATE TABLE IF NOT EXISTS d1_migrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`

/** Applies the `.sql` files of `dir` not yet applied to `db`; answers the names it applied. */
export const applyMigrations = (db: SqliteDatabase, dir: string): string[] => {
  db.exec(ledger)
  const done = new Set(
    (db.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((r) => r.name),
  )
  const pending = readdirSync(dir)
    .filter((name) => name.endsWith('.sql') && !done.has(name))
    .sort()
  for (const name of pending) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(readFileSync(join(dir, name), 'utf8'))
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error })
    }
  }
  return pending
}
