import assert from 'node:assert/strict'
import SwaggerParser from '@apidevtools/swagger-parser'
import type * as z from 'zod'
import { type Context, test } from './harness.ts'
import { claimsOf } from './http.ts'
import {
  ErrorBody,
  sdkApiVersion,
  TIDeferredStatePayload,
  TIEnterRunningPayload,
  TIHeartbeatInfo,
  TIRetryStatePayload,
  TIRunContext,
  TISuccessStatePayload,
} from './sdk-models.ts'

// One task's life as Airflow's Task SDK lives it against the Execution API, replayed request by
// request from task-sdk/src/airflow/sdk/api/client.py (apache/airflow@00414da86b29): its headers
// (user agent, Airflow-API-Version, a uuid7 correlation-id, content-type on bodies), the bodies
// as pydantic's `model_dump_json` writes them (model field order, compact, nulls kept, UTC as
// `Z` with microseconds), the token swapped on every Refreshed-API-Token (`_update_auth`), an
// error raised on any 4xx/5xx (`raise_on_4xx_5xx`), and every answer parsed with the SDK's own
// models (sdk-models.ts, from _generated.py).

/** A uuid7, as `add_correlation_id` puts one on every request. */
const uuid7 = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const ms = BigInt(Date.now())
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A datetime as pydantic writes an aware UTC one: microseconds and `Z`. */
const pyDate = (date = new Date()) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

/** The body exactly as `model_dump_json` writes it, checked against the SDK's model first. */
const dump = <T extends z.ZodType>(model: T, body: z.input<T>) => {
  model.parse(body)
  return JSON.stringify(body)
}

interface SdkAnswer {
  status: number
  headers: Headers
  text: string
}

class ServerResponseError extends Error {
  readonly answer: SdkAnswer
  readonly detail: unknown

  constructor(answer: SdkAnswer, detail: unknown) {
    super(`server answered ${answer.status}: ${answer.text}`)
    this.answer = answer
    this.detail = detail
  }
}

/** client.py's `Client`, for the calls one task makes. */
class SdkClient {
  readonly baseUrl: string
  token: string

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl
    this.token = token
  }

  async request(method: string, path: string, content?: string): Promise<SdkAnswer> {
    const headers: Record<string, string> = {
      accept: '*/*',
      'accept-encoding': 'gzip, deflate',
      'user-agent': 'apache-airflow-task-sdk/1.3.0 (Python/3.12.11)',
      'airflow-api-version': sdkApiVersion,
      authorization: `Bearer ${this.token}`,
      'correlation-id': uuid7(),
    }
    if (content !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(new URL(`/execution/${path}`, this.baseUrl), {
      method,
      headers,
      body: content,
    })
    const answer = { status: res.status, headers: res.headers, text: await res.text() }
    assert.equal(answer.headers.get('airflow-api-version'), sdkApiVersion, 'version answered')
    // `_update_auth` runs on every answer, before the error check.
    const refreshed = answer.headers.get('refreshed-api-token')
    if (refreshed) this.token = refreshed
    if (answer.status >= 400) {
      // `ServerResponseError.from_response` reads only an exact `application/json`.
      assert.equal(answer.headers.get('content-type'), 'application/json', answer.text)
      throw new ServerResponseError(answer, ErrorBody.parse(JSON.parse(answer.text)).detail)
    }
    return answer
  }

  /** `task_instances.start`: the run context, or `TaskAlreadyRunningError` on a 409 from running. */
  async start(id: string, pid: number, when: string) {
    const body = dump(TIEnterRunningPayload, {
      state: 'running',
      hostname: 'worker-7.example.internal',
      unixname: 'airflow',
      pid,
      start_date: when,
    })
    const answer = await this.request('PATCH', `task-instances/${id}/run`, body)
    assert.equal(answer.status, 200)
    return TIRunContext.parse(JSON.parse(answer.text))
  }

  async heartbeat(id: string, pid: number) {
    const body = dump(TIHeartbeatInfo, { hostname: 'worker-7.example.internal', pid })
    return this.request('PUT', `task-instances/${id}/heartbeat`, body)
  }

  async succeed(id: string, when: string) {
    const body = dump(TISuccessStatePayload, {
      state: 'success',
      end_date: when,
      task_outlets: [],
      outlet_events: [],
      rendered_map_index: null,
    })
    return this.request('PATCH', `task-instances/${id}/state`, body)
  }

  async retry(id: string, when: string) {
    const body = dump(TIRetryStatePayload, {
      state: 'up_for_retry',
      end_date: when,
      rendered_map_index: null,
      retry_delay_seconds: null,
      retry_reason: null,
    })
    return this.request('PATCH', `task-instances/${id}/state`, body)
  }

  async defer(id: string) {
    const body = dump(TIDeferredStatePayload, {
      state: 'deferred',
      classpath: 'airflow.providers.standard.triggers.temporal.DateTimeTrigger',
      trigger_kwargs: { moment: pyDate(new Date(Date.now() + 60_000)), end_from_trigger: false },
      trigger_timeout: 'PT600S',
      queue: null,
      next_method: 'execute_complete',
      next_kwargs: {},
      rendered_map_index: null,
    })
    return this.request('PATCH', `task-instances/${id}/state`, body)
  }
}

const now = () => Math.floor(Date.now() / 1000)

/** A task handed to a worker: its id and the workload token the scheduler minted. */
const queuedTask = async (ctx: Context) => {
  const id = ctx.queued()
  return { id, client: new SdkClient(ctx.baseUrl, await ctx.mint({ sub: id, scope: 'workload' })) }
}

const noContent = (answer: SdkAnswer, status: 200 | 204) => {
  assert.equal(answer.status, status)
  assert.equal(answer.text, '')
}

test('SDK: start, heartbeats across a refresh, retried start, succeed, retried succeed', async (ctx) => {
  const { id, client } = await queuedTask(ctx)
  const workload = client.token
  const pid = 31337
  const startedAt = pyDate()

  const context = await client.start(id, pid, startedAt)
  assert.equal(context.dag_run.dag_id, 'conformance')
  assert.equal(context.dag_run.run_type, 'manual')
  assert.equal(context.max_tries, 0)
  assert.notEqual(client.token, workload, 'the workload token was swapped for an execution token')
  assert.equal(claimsOf(client.token).scope, 'execution')

  noContent(await client.heartbeat(id, pid), 204)
  // 550 s into a 600 s token: the next answer carries a fresh one, which the client swaps in.
  const iat = now() - 550
  client.token = await ctx.mint({ sub: id, iat, nbf: iat, exp: iat + 600 })
  const aging = client.token
  noContent(await client.heartbeat(id, pid), 204)
  assert.notEqual(client.token, aging, 'refreshed across the heartbeat')
  assert.ok((claimsOf(client.token).exp as number) >= now() + 590)
  noContent(await client.heartbeat(id, pid), 204)

  // The answer to start was lost: the SDK's retry sends the same request again.
  const again = await client.start(id, pid, startedAt)
  assert.deepEqual(again.dag_run, context.dag_run)

  const ended = pyDate()
  noContent(await client.succeed(id, ended), 204)
  noContent(await client.succeed(id, ended), 200)
  const late = await client.heartbeat(id, pid).catch((error: unknown) => error)
  assert.ok(late instanceof ServerResponseError && late.answer.status === 409)
  assert.deepEqual(late.detail, {
    reason: 'not_running',
    message: 'TI is no longer in the running state and task should terminate',
    current_state: 'success',
  })
})

test('SDK: a failed try goes up_for_retry', async (ctx) => {
  const { id, client } = await queuedTask(ctx)
  await client.start(id, 4001, pyDate())
  noContent(await client.heartbeat(id, 4001), 204)
  noContent(await client.retry(id, pyDate()), 204)
  noContent(await client.retry(id, pyDate()), 200)
})

test('SDK: a task defers to a trigger', async (ctx) => {
  const { id, client } = await queuedTask(ctx)
  await client.start(id, 4002, pyDate())
  noContent(await client.defer(id), 204)
  noContent(await client.defer(id), 200)
})

test('SDK: another worker starting a running task gets the 409 TaskAlreadyRunningError reads', async (ctx) => {
  const { id, client } = await queuedTask(ctx)
  const workload = client.token
  await client.start(id, 4003, pyDate())
  const other = new SdkClient(ctx.baseUrl, workload)
  const error = await other.start(id, 4004, pyDate()).catch((e: unknown) => e)
  assert.ok(error instanceof ServerResponseError && error.answer.status === 409)
  assert.deepEqual(
    { ...(error.detail as object) },
    {
      reason: 'invalid_state',
      message: 'TI was not in a state where it could be marked as running',
      previous_state: 'running',
    },
  )
})

test('§6 the OpenAPI document passes @apidevtools/swagger-parser validation', async (ctx) => {
  const res = await fetch(new URL('/execution/openapi.json', ctx.baseUrl))
  const doc = await res.json()
  const api = (await SwaggerParser.validate(doc)) as { info: { version: string } }
  assert.equal(api.info.version, sdkApiVersion)
})
