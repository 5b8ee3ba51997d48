import assert from 'node:assert/strict'
import * as z from 'zod'
import * as c from './common.ts'
import type { SdkModels } from './index.ts'

// client.py's `Client` (task-sdk/src/airflow/sdk/api/client.py, apache/airflow@00414da86b29) for
// the calls one task makes, as one SDK version makes them: its headers (user agent,
// Airflow-API-Version, a uuid7 correlation-id, content-type on bodies), bodies as pydantic's
// `model_dump_json` writes that version's model (all its fields, defaults included, nothing
// else), the token swapped on every Refreshed-API-Token, an error on any 4xx/5xx, and every
// answer parsed with that version's models.

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
export const pyDate = (date = new Date()) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

/** `body` as the version's model dumps it: its own fields only, then checked against it. */
const dump = (model: z.ZodType, body: Record<string, unknown>) => {
  const shape = model instanceof z.ZodObject ? (model.shape as Record<string, unknown>) : body
  const own = Object.fromEntries(Object.entries(body).filter(([k]) => k in shape))
  model.parse(own)
  return JSON.stringify(own)
}

export interface SdkAnswer {
  status: number
  headers: Headers
  text: string
}

export class ServerResponseError extends Error {
  readonly answer: SdkAnswer
  readonly detail: unknown

  constructor(answer: SdkAnswer, detail: unknown) {
    super(`server answered ${answer.status}: ${answer.text}`)
    this.answer = answer
    this.detail = detail
  }
}

const hostname = 'worker-7.example.internal'
const json = (answer: SdkAnswer) => JSON.parse(answer.text) as unknown

export class SdkClient {
  readonly baseUrl: string
  readonly models: SdkModels
  token: string

  constructor(baseUrl: string, token: string, models: SdkModels) {
    this.baseUrl = baseUrl
    this.token = token
    this.models = models
  }

  async request(method: string, path: string, content?: string): Promise<SdkAnswer> {
    const headers: Record<string, string> = {
      accept: '*/*',
      'accept-encoding': 'gzip, deflate',
      'user-agent': 'apache-airflow-task-sdk/1.3.0 (Python/3.12.11)',
      'airflow-api-version': this.models.version,
      authorization: `Bearer ${this.token}`,
      'correlation-id': uuid7(),
    }
    if (content !== undefined) headers['content-type'] = 'application/json'
    const url = new URL(`/execution/${path}`, this.baseUrl)
    const res = await fetch(url, { method, headers, body: content })
    const answer = { status: res.status, headers: res.headers, text: await res.text() }
    assert.equal(answer.headers.get('airflow-api-version'), this.models.version, 'version echoed')
    // `_update_auth` runs on every answer, before the error check.
    const refreshed = answer.headers.get('refreshed-api-token')
    if (refreshed) this.token = refreshed
    if (answer.status >= 400) {
      // `ServerResponseError.from_response` reads only an exact `application/json`.
      assert.equal(answer.headers.get('content-type'), 'application/json', answer.text)
      throw new ServerResponseError(answer, c.ErrorBody.parse(json(answer)).detail)
    }
    return answer
  }

  /** `task_instances.start`: the run context, parsed with this version's model. */
  async start(id: string, pid: number, when: string) {
    const body = dump(c.TIEnterRunningPayload, {
      state: 'running',
      hostname,
      unixname: 'airflow',
      pid,
      start_date: when,
    })
    const answer = await this.request('PATCH', `task-instances/${id}/run`, body)
    assert.equal(answer.status, 200)
    return this.models.TIRunContext.parse(json(answer))
  }

  heartbeat(id: string, pid: number) {
    return this.request(
      'PUT',
      `task-instances/${id}/heartbeat`,
      dump(c.TIHeartbeatInfo, { hostname, pid }),
    )
  }

  setRtif(id: string, fields: Record<string, string>) {
    return this.request('PUT', `task-instances/${id}/rtif`, JSON.stringify(fields))
  }

  setRenderedMapIndex(id: string, value: string) {
    return this.request('PATCH', `task-instances/${id}/rendered-map-index`, JSON.stringify(value))
  }

  async previousSuccessfulDagRun(id: string) {
    const answer = await this.request('GET', `task-instances/${id}/previous-successful-dagrun`)
    return c.PrevSuccessfulDagRunResponse.parse(json(answer))
  }

  async validateInletsAndOutlets(id: string) {
    const answer = await this.request('GET', `task-instances/${id}/validate-inlets-and-outlets`)
    return c.InactiveAssetsResponse.parse(json(answer))
  }

  async rescheduleStartDate(id: string) {
    const answer = await this.request('GET', `task-reschedules/${id}/start_date?try_number=1`)
    return c.aware.nullable().parse(json(answer))
  }

  async getVariable(key: string) {
    return c.VariableResponse.parse(json(await this.request('GET', `variables/${key}`)))
  }

  setVariable(key: string, value: string) {
    const body = dump(c.VariablePostBody, { val: value, description: null })
    return this.request('PUT', `variables/${key}`, body)
  }

  async variableKeys(prefix: string) {
    const model = this.models.VariableKeysResponse as z.ZodType
    const answer = await this.request('GET', `variables/keys?limit=1000&offset=0&prefix=${prefix}`)
    return model.parse(json(answer)) as { keys: string[]; total_entries: number }
  }

  async getConnection(id: string) {
    return c.ConnectionResponse.parse(json(await this.request('GET', `connections/${id}`)))
  }

  setXCom(path: string, value: unknown, mapIndex?: number) {
    const query = mapIndex === undefined ? '' : `?map_index=${mapIndex}`
    return this.request('POST', `xcoms/${path}${query}`, JSON.stringify(value))
  }

  /** `xcoms.head`: the count from `Content-Range: map_indexes N`, as client.py parses it. */
  async headXCom(path: string) {
    const range = (await this.request('HEAD', `xcoms/${path}`)).headers.get('content-range')
    if (!range?.startsWith('map_indexes ')) throw new Error(`Content-Range: ${range}`)
    return Number(range.slice('map_indexes '.length))
  }

  async getXCom(path: string, mapIndex: number) {
    const answer = await this.request('GET', `xcoms/${path}?map_index=${mapIndex}`)
    return c.XComResponse.parse(json(answer))
  }

  async xcomItem(path: string, offset: number) {
    const answer = await this.request('GET', `xcoms/${path}/item/${offset}`)
    return c.XComSequenceIndexResponse.parse(json(answer))
  }

  async xcomSlice(path: string, start: number, stop: number) {
    const answer = await this.request('GET', `xcoms/${path}/slice?start=${start}&stop=${stop}`)
    return c.XComSequenceSliceResponse.parse(json(answer))
  }

  /** `dag_runs.trigger`: the payload dumped with `exclude_defaults=True`, as client.py does. */
  triggerDagRun(dagId: string, runId: string, logicalDate: string) {
    const body = dump(this.models.TriggerDAGRunPayload, { logical_date: logicalDate, conf: {} })
    return this.request('POST', `dag-runs/${dagId}/${runId}`, body)
  }

  clearDagRun(dagId: string, runId: string) {
    const model = this.models.ClearDagRunPayload
    const body = model ? dump(model, {}) : undefined
    return this.request('POST', `dag-runs/${dagId}/${runId}/clear`, body)
  }

  async dagRunState(dagId: string, runId: string) {
    const answer = await this.request('GET', `dag-runs/${dagId}/${runId}/state`)
    return c.DagRunStateResponse.parse(json(answer))
  }

  async dagRunCount(dagId: string) {
    return z.int().parse(json(await this.request('GET', `dag-runs/count?dag_id=${dagId}`)))
  }

  async dagRunDetail(dagId: string, runId: string) {
    return this.models.DagRun.parse(json(await this.request('GET', `dag-runs/${dagId}/${runId}`)))
  }

  /** `dag_runs.get_previous` at the path this version's client calls. */
  async previousDagRun(dagId: string, logicalDate: string) {
    const when = encodeURIComponent(logicalDate)
    const path =
      this.models.previousRun === 'by-dag'
        ? `dag-runs/${dagId}/previous?logical_date=${when}`
        : `dag-runs/previous?dag_id=${dagId}&logical_date=${when}`
    return this.models.DagRun.nullable().parse(json(await this.request('GET', path)))
  }

  async taskInstanceCount(dagId: string) {
    return z.int().parse(json(await this.request('GET', `task-instances/count?dag_id=${dagId}`)))
  }

  async taskStates(dagId: string) {
    const answer = await this.request('GET', `task-instances/states?dag_id=${dagId}`)
    return c.TaskStatesResponse.parse(json(answer))
  }

  async dag(dagId: string) {
    return c.DagResponse.parse(json(await this.request('GET', `dags/${dagId}`)))
  }

  async assetEvents(name: string) {
    const answer = await this.request('GET', `asset-events/by-asset?name=${name}&ascending=true`)
    return c.AssetEventsResponse.parse(json(answer))
  }

  getAsset(name: string) {
    return this.request('GET', `assets/by-name?name=${name}`)
  }

  setTaskStore(id: string, key: string, value: unknown) {
    const body = dump(c.TaskStorePutBody, { value, expires_at: null })
    return this.request('PUT', `store/ti/${id}/${encodeURIComponent(key)}`, body)
  }

  async getTaskStore(id: string, key: string) {
    const answer = await this.request('GET', `store/ti/${id}/${encodeURIComponent(key)}`)
    return c.TaskStoreResponse.parse(json(answer))
  }

  deleteTaskStore(id: string, key: string) {
    return this.request('DELETE', `store/ti/${id}/${encodeURIComponent(key)}`)
  }

  /** `hitl.add_response`: the comms model `CreateHITLDetailPayload`, dumped whole. */
  async addHitlDetail(id: string, options: string[], subject: string) {
    const payload = {
      ti_id: id,
      options,
      subject,
      body: null,
      defaults: null,
      multiple: false,
      params: null,
      assigned_users: null,
      type: 'CreateHITLDetailPayload',
    }
    const answer = await this.request('POST', `hitlDetails/${id}`, JSON.stringify(payload))
    return c.HITLDetailRequest.parse(json(answer))
  }

  async hitlResponse(id: string) {
    return c.HITLDetailResponse.parse(json(await this.request('GET', `hitlDetails/${id}`)))
  }

  private state(id: string, model: z.ZodType, body: Record<string, unknown>) {
    return this.request('PATCH', `task-instances/${id}/state`, dump(model, body))
  }

  succeed(id: string, when: string) {
    return this.state(id, this.models.TISuccessStatePayload, {
      state: 'success',
      end_date: when,
      task_outlets: [],
      outlet_events: [],
      rendered_map_index: null,
    })
  }

  retry(id: string, when: string) {
    return this.state(id, this.models.TIRetryStatePayload, {
      state: 'up_for_retry',
      end_date: when,
      rendered_map_index: null,
      retry_delay_seconds: null,
      retry_reason: null,
    })
  }

  defer(id: string) {
    return this.state(id, this.models.TIDeferredStatePayload, {
      state: 'deferred',
      classpath: 'airflow.providers.standard.triggers.temporal.DateTimeTrigger',
      trigger_kwargs: { moment: pyDate(new Date(Date.now() + 60_000)), end_from_trigger: false },
      trigger_timeout: 'PT600S',
      queue: null,
      next_method: 'execute_complete',
      next_kwargs: {},
      rendered_map_index: null,
    })
  }

  reschedule(id: string, when: string) {
    const later = pyDate(new Date(Date.now() + 300_000))
    return this.state(id, c.TIRescheduleStatePayload, {
      state: 'up_for_reschedule',
      reschedule_date: later,
      end_date: when,
    })
  }

  skipDownstream(id: string, tasks: (string | [string, number])[]) {
    const body = dump(c.TISkippedDownstreamTasksStatePayload, { tasks })
    return this.request('PATCH', `task-instances/${id}/skip-downstream`, body)
  }
}
