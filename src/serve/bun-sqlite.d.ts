// `bun:sqlite` as src/serve/bun.ts uses it; Bun's own types are not installed.
declare module 'bun:sqlite' {
  export class Database {
    constructor(path: string, options?: { create?: boolean; readonly?: boolean; strict?: boolean })
    exec(sql: string): void
    prepare(sql: string): import('./d1-sqlite').SqliteStatement
    close(): void
  }
}
