import type {
  D1Database,
  D1ExecResult,
  D1Meta,
  D1PreparedStatement,
  D1Result,
} from '@cloudflare/workers-types'

// D1's asynchronous API over a synchronous SQLite driver: `node:sqlite` (Node 22, Deno) and
// `bun:sqlite` share the small surface below. It covers what the Execution API uses (prepare, bind,
// first, all, run, raw, batch, exec) with D1's answers: rows as objects, `null` when there is none,
// `meta.changes`, and a batch that commits all its statements or none.

/** What D1 binds: strings, numbers, booleans (as 0/1), null and blobs. */
export type SqlValue = string | number | bigint | null | Uint8Array

/** A prepared statement of `node:sqlite` (`StatementSync`) or `bun:sqlite` (`Statement`). */
export interface SqliteStatement {
  all(...params: SqlValue[]): unknown[]
  get(...params: SqlValue[]): unknown
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint }
}

/** A connection of `node:sqlite` (`DatabaseSync`) or `bun:sqlite` (`Database`). */
export interface SqliteDatabase {
  exec(sql: string): unknown
  prepare(sql: string): SqliteStatement
  close(): void
}

type Row = Record<string, unknown>

// node:sqlite answers rows with a null prototype; D1 answers plain objects.
const plain = (row: unknown) => (row == null ? null : { ...(row as Row) })

/** D1 refuses `undefined` (and anything else it cannot store) when the statement runs. */
const toSql = (value: unknown): SqlValue => {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint' || value instanceof Uint8Array) return value
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  throw new TypeError(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value '${value}'`)
}

const meta = (changes = 0, lastRowId = 0, duration = 0): D1Meta & Record<string, unknown> => ({
  duration,
  size_after: 0,
  rows_read: 0,
  rows_written: changes,
  last_row_id: lastRowId,
  changed_db: changes > 0,
  changes,
})

class Statement {
  readonly #db: SqliteD1
  readonly #sql: string
  readonly #params: unknown[]

  constructor(db: SqliteD1, sql: string, params: unknown[] = []) {
    this.#db = db
    this.#sql = sql
    this.#params = params
  }

  bind(...values: unknown[]): Statement {
    return new Statement(this.#db, this.#sql, values)
  }

  #statement(): [SqliteStatement, SqlValue[]] {
    return [this.#db.statement(this.#sql), this.#params.map(toSql)]
  }

  /** The rows as D1 answers them; the statement also runs when it changes rows (RETURNING). */
  allSync<T>(): D1Result<T> {
    const [statement, params] = this.#statement()
    const start = performance.now()
    const results = statement.all(...params).map(plain) as T[]
    return { success: true, results, meta: meta(0, 0, performance.now() - start) }
  }

  async first<T>(column?: string): Promise<T | null> {
    const [statement, params] = this.#statement()
    const row = plain(statement.get(...params))
    if (row === null || column === undefined) return row as T | null
    if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`)
    return row[column] as T
  }

  async all<T>(): Promise<D1Result<T>> {
    return this.allSync<T>()
  }

  async run<T>(): Promise<D1Result<T>> {
    const [statement, params] = this.#statement()
    const start = performance.now()
    const { changes, lastInsertRowid } = statement.run(...params)
    const duration = performance.now() - start
    return {
      success: true,
      results: [],
      meta: meta(Number(changes), Number(lastInsertRowid), duration),
    }
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<unknown[]> {
    const rows = this.allSync<Row>().results
    const values = rows.map((row) => Object.values(row) as T)
    if (!options?.columnNames) return values
    return [rows[0] ? Object.keys(rows[0]) : [], ...values]
  }
}

/** A D1 database backed by a SQLite connection the caller opened (and closes with `close`). */
export class SqliteD1 {
  readonly sqlite: SqliteDatabase
  // Prepared once per SQL text: the app's statements are a small fixed set.
  readonly #statements = new Map<string, SqliteStatement>()

  constructor(sqlite: SqliteDatabase) {
    this.sqlite = sqlite
    // D1 enforces foreign keys; WAL lets a second process (a seeding script) read and write too.
    sqlite.exec('PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000')
  }

  /** @internal the driver's statement for this SQL text, prepared on first use. */
  statement(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      if (this.#statements.size >= 200) this.#statements.clear()
      statement = this.sqlite.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  prepare(sql: string): D1PreparedStatement {
    return new Statement(this, sql) as unknown as D1PreparedStatement
  }

  /** Runs the statements in one transaction: all of them take effect, or (on an error) none. */
  async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    this.sqlite.exec('BEGIN IMMEDIATE')
    try {
      const results = statements.map((s) => (s as unknown as Statement).allSync<T>())
      this.sqlite.exec('COMMIT')
      return results
    } catch (error) {
      this.sqlite.exec('ROLLBACK')
      throw error
    }
  }

  /** Runs a script of `;`-separated statements, as D1's `exec` does. */
  async exec(sql: string): Promise<D1ExecResult> {
    const start = performance.now()
    this.sqlite.exec(sql)
    const count = sql.split(';').filter((part) => part.trim()).length
    return { count, duration: performance.now() - start }
  }

  /** Off Workers there is one database and no replica: a session is the database itself. */
  withSession(): SqliteD1 {
    return this
  }

  getBookmark(): null {
    return null
  }

  async dump(): Promise<ArrayBuffer> {
    throw new Error('dump() is not supported off Workers')
  }

  close(): void {
    this.#statements.clear()
    this.sqlite.close()
  }

  /** This database typed as the Worker binding the app expects. */
  asD1(): D1Database {
    return this as unknown as D1Database
  }
}
