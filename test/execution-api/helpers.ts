import { env } from 'cloudflare:workers'
import { type TaskInstanceProfile, taskInstanceProfile } from 'hono-scoped-jwt/airflow'
import {
  createIssuer,
  generateSigningJwk,
  type Issuer,
  type MintOptions,
} from 'hono-scoped-jwt/mint'
import { createApp } from '../../src/execution-api/app'
import type { ExecutionBindings } from '../../src/execution-api/config'
import { type QueueRequest, queueTaskInstance } from '../../src/execution-api/store/task-instances'

/** A signing key made at test time, shared by the files of one worker. */
export const jwk = await generateSigningJwk('EdDSA')

/** The bindings of wrangler.toml with a private key added (and any overrides). */
export const bindings = (overrides: Partial<ExecutionBindings> = {}): ExecutionBindings => ({
  ...env,
  JWT_PRIVATE_JWK: JSON.stringify(jwk),
  ...overrides,
})

/** An app and an issuer with the same key, and `request` driving the app through `app.request`. */
export const setup = (overrides: Partial<ExecutionBindings> = {}) => {
  const testEnv = bindings(overrides)
  const app = createApp(testEnv)
  const issuer: Issuer<TaskInstanceProfile> = createIssuer({
    profile: taskInstanceProfile,
    privateJwk: testEnv.JWT_PRIVATE_JWK,
  })
  const request = (path: string, init: RequestInit = {}) =>
    app.request(`http://localhost${path}`, init, testEnv)
  return { app, env: testEnv, issuer, request }
}

/** Request init with a bearer token and an optional JSON body. */
export const call = (token: string, method: string, body?: unknown): RequestInit => ({
  method,
  headers: {
    authorization: `Bearer ${token}`,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
})

/** Adds a queued task instance with fresh ids; returns its id. */
export const queue = async (overrides: Partial<QueueRequest> = {}) => {
  const id = crypto.randomUUID()
  await queueTaskInstance(env.DB, {
    id,
    dag_id: `dag-${id.slice(0, 8)}`,
    run_id: 'manual__1',
    task_id: 'task',
    max_tries: 2,
    ...overrides,
  })
  return id
}

/** Mints a token for a task instance. */
export const tokenFor = (
  issuer: Issuer<TaskInstanceProfile>,
  sub: string,
  options: Partial<MintOptions<TaskInstanceProfile>> = {},
) => issuer.mint({ sub, ...options })

export const runBody = (hostname = 'worker-1', pid = 4242) => ({
  state: 'running',
  hostname,
  unixname: 'airflow',
  pid,
  start_date: '2026-01-01T00:00:00Z',
})

export const tiPath = (id: string, action: string) => `/execution/task-instances/${id}/${action}`

/** A task instance in the running state, with its execution token. */
export const running = async (ctx: ReturnType<typeof setup>, hostname = 'worker-1', pid = 4242) => {
  const id = await queue()
  const token = await tokenFor(ctx.issuer, id)
  const res = await ctx.request(tiPath(id, 'run'), call(token, 'PATCH', runBody(hostname, pid)))
  if (res.status !== 200) throw new Error(`run failed: ${res.status} ${await res.text()}`)
  return { id, token }
}
