// What the rotation runner needs on Node, bundled by esbuild (Node cannot import the sources'
// extensionless paths): the Worker's app over SQLite, the verifying service, the issuer.

export { taskInstanceProfile } from '../../src/airflow'
export { createApp } from '../../src/execution-api/app'
export { createVerifier } from '../../src/index'
export { createIssuer } from '../../src/mint'
export { SqliteD1 } from '../../src/serve/d1-sqlite'
export { applyMigrations } from '../../src/serve/migrations'
export { verifierApp } from './verifier'
