import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import type { Context, MintOptions } from './harness.ts'

// What the suite needs from outside HTTP, made at test time: a signing key for the server (and
// strangers' keys for bad tokens), tokens, and the rows a scheduler would have written.

export const audience = 'urn:airflow.apache.org:task'

/** A fresh Ed25519 key: the server gets the private JWK, the suite signs with the same key. */
export const makeKeys = async () => {
  const own = await generateKeyPair('EdDSA', { extractable: true })
  const other = await generateKeyPair('EdDSA')
  const kid = `conformance-${crypto.randomUUID().slice(0, 8)}`
  const privateJwk: JWK = { ...(await exportJWK(own.privateKey)), kid, alg: 'EdDSA' }
  const hs256 = crypto.getRandomValues(new Uint8Array(64))
  return { own: own.privateKey, other: other.privateKey, kid, hs256, privateJwk }
}

export type Keys = Awaited<ReturnType<typeof makeKeys>>

/** Signs a token; every claim valid by default, `claims` override (an `undefined` drops one). */
export const minter =
  (keys: Keys) =>
  async (claims: Record<string, unknown> = {}, options: MintOptions = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000)
    const payload: Record<string, unknown> = {
      sub: crypto.randomUUID(),
      scope: 'execution',
      aud: audience,
      iat: now,
      nbf: now,
      exp: now + 600,
      jti: crypto.randomUUID(),
      ...claims,
    }
    for (const [name, value] of Object.entries(payload)) {
      if (value === undefined) delete payload[name]
    }
    const alg = options.key === 'hs256' ? 'HS256' : 'EdDSA'
    const key = options.key === 'hs256' ? keys.hs256 : options.key ? keys.other : keys.own
    return new SignJWT(payload)
      .setProtectedHeader({ alg, kid: keys.kid, typ: 'JWT', ...options.header })
      .sign(key)
  }

/** Task instances by the state they are seeded in; the suite takes each one at most once. */
export interface Seed {
  queued: string[]
  success: string[]
  restarting: string[]
  sql: string
}

const quote = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value}'`
const insert = (table: string, row: Record<string, string | number | null>) =>
  `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).map(quote).join(', ')});`

/** The rows a scheduler would have written: task instances, a connection and a variable. */
export const makeSeed = (queuedCount = 64): Seed => {
  const ids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID())
  const seed = { queued: ids(queuedCount), success: ids(4), restarting: ids(4) }
  const rows = [
    insert('dags', { dag_id: 'conformance', team: null }),
    ...(['queued', 'success', 'restarting'] as const).flatMap((state) =>
      seed[state].map((id, i) =>
        insert('task_instances', {
          id,
          dag_id: 'conformance',
          run_id: 'run-1',
          task_id: `${state}-${i}`,
          state,
        }),
      ),
    ),
    insert('connections', {
      conn_id: 'conformance_db',
      conn_type: 'postgres',
      host: 'db.local',
      schema: 'airflow',
      login: 'runner',
      password: 'secret',
      port: 5432,
    }),
    insert('variables', { key: 'seeded_var', value: 'from the seed' }),
  ]
  return { ...seed, sql: rows.join('\n') }
}

/** The context every case gets; each task instance is handed out once. */
export const makeContext = (baseUrl: string, keys: Keys, seed: Seed): Context => {
  const take = (list: string[], what: string) => {
    const id = list.shift()
    if (!id) throw new Error(`the seed has no ${what} task instance left; seed more`)
    return id
  }
  const pools = {
    queued: [...seed.queued],
    success: [...seed.success],
    restarting: [...seed.restarting],
  }
  return {
    baseUrl,
    mint: minter(keys),
    queued: () => take(pools.queued, 'queued'),
    seeded: (state) => take(pools[state], state),
  }
}
