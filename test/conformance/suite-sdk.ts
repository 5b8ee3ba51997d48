import assert from 'node:assert/strict'
import SwaggerParser from '@apidevtools/swagger-parser'
import { type Context, test } from './harness.ts'
import { claimsOf } from './http.ts'
import { pyDate, type SdkAnswer, SdkClient, ServerResponseError } from './sdk/client.ts'
import { type SdkModels, sdkVersions } from './sdk/index.ts'

// A whole task's life as each released Task SDK lives it against the Execution API, in the order
// its supervisor and task runner make the calls (task-sdk/src/airflow/sdk/execution_time/
// supervisor.py and task_runner.py, apache/airflow@00414da86b29): start, rendered fields,
// heartbeats across a token refresh, variables, connections, XComs, success; and the other ends
// a try can have. Every answer is parsed with that SDK version's models (sdk/), so a field the
// version must not see, or one it needs and lacks, fails the case.

const now = () => Math.floor(Date.now() / 1000)

/** A task handed to a worker: its id and the workload token the scheduler minted. */
const queuedTask = async (ctx: Context, models: SdkModels) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id, scope: 'workload' })
  return { id, client: new SdkClient(ctx.baseUrl, token, models) }
}

const noContent = (answer: SdkAnswer, status: 200 | 201 | 204) => {
  assert.equal(answer.status, status, answer.text)
  if (status !== 201) assert.equal(answer.text, '')
}

const refused = async (call: Promise<unknown>, status: number) => {
  const error = await call.catch((e: unknown) => e)
  assert.ok(error instanceof ServerResponseError, `expected ${status}, got ${String(error)}`)
  assert.equal(error.answer.status, status)
  return error.detail
}

for (const models of sdkVersions) {
  const v = models.version

  test(`SDK ${v}: a task's whole life, start to success`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    const workload = client.token
    const pid = 31337
    const startedAt = pyDate()

    // supervisor: start, then heartbeats while the task runner works.
    const context = await client.start(id, pid, startedAt)
    assert.equal(claimsOf(client.token).scope, 'execution', 'workload token exchanged')
    assert.notEqual(client.token, workload)
    const run = context.dag_run as { dag_id: string; run_id: string }
    assert.equal(run.dag_id, 'conformance')
    noContent(await client.heartbeat(id, pid), 204)

    // task runner: rendered template fields and map index, before execute().
    noContent(await client.setRtif(id, { bash_command: 'echo "{{ ds }}"', env: 'None' }), 201)
    noContent(await client.setRenderedMapIndex(id, `label ${v}`), 204)
    assert.ok(await client.previousSuccessfulDagRun(id))
    assert.deepEqual((await client.validateInletsAndOutlets(id)).inactive_assets ?? [], [])

    // 550 s into a 600 s token: the next answer carries a fresh one, which the client swaps in.
    const iat = now() - 550
    client.token = await ctx.mint({ sub: id, iat, nbf: iat, exp: iat + 600 })
    const aging = client.token
    noContent(await client.heartbeat(id, pid), 204)
    assert.notEqual(client.token, aging, 'refreshed across the heartbeat')

    // execute(): variables (set with `val`), a connection, XComs of a mapped upstream.
    assert.equal((await client.getVariable('seeded_var')).value, 'from the seed')
    const key = `replay_${v.replaceAll('-', '_')}`
    noContent(await client.setVariable(key, 'set by the task'), 201)
    assert.deepEqual(await client.getVariable(key), { key, value: 'set by the task' })
    if (models.VariableKeysResponse) {
      assert.deepEqual((await client.variableKeys(key)).keys, [key])
    }
    const conn = await client.getConnection('conformance_db')
    assert.equal(conn.conn_type, 'postgres')
    const xcom = `${run.dag_id}/${run.run_id}/upstream_${key}/return_value`
    for (const [i, value] of ['a', 'b', 'c'].entries()) {
      noContent(await client.setXCom(xcom, value, i), 201)
    }
    assert.equal(await client.headXCom(xcom), 3)
    assert.equal(await client.xcomItem(xcom, 1), 'b')
    assert.deepEqual(await client.xcomSlice(xcom, 0, 2), ['a', 'b'])
    assert.deepEqual(await client.getXCom(xcom, 2), { key: 'return_value', value: 'c' })
    noContent(await client.heartbeat(id, pid), 204)

    // The answer to start was lost: the SDK's retry sends the same request again.
    const again = await client.start(id, pid, startedAt)
    assert.deepEqual(again.dag_run, context.dag_run)

    const ended = pyDate()
    noContent(await client.succeed(id, ended), 204)
    noContent(await client.succeed(id, ended), 200)
    assert.deepEqual(await refused(client.heartbeat(id, pid), 409), {
      reason: 'not_running',
      message: 'TI is no longer in the running state and task should terminate',
      current_state: 'success',
    })
  })

  test(`SDK ${v}: a task triggers, reads and clears dag runs, looks up assets, asks a human, keeps state`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    await client.start(id, 4007, pyDate())
    const runId = `triggered_${v}_${crypto.randomUUID().slice(0, 8)}`
    const logicalDate = pyDate(new Date(Date.now() - 3_600_000))
    noContent(await client.triggerDagRun('conformance', runId, logicalDate), 204)
    // The run exists: TriggerDagRunOperator reads DAGRUN_ALREADY_EXISTS from the 409.
    const exists = await refused(client.triggerDagRun('conformance', runId, logicalDate), 409)
    assert.equal((exists as { reason: string }).reason, 'already_exists')
    assert.deepEqual(await client.dagRunState('conformance', runId), { state: 'queued' })
    assert.ok((await client.dagRunCount('conformance')) >= 1)
    assert.ok((await client.taskInstanceCount('conformance')) >= 1)
    assert.ok('run-1' in (await client.taskStates('conformance')).task_states)
    if (models.dagRunDetail) {
      const run = (await client.dagRunDetail('conformance', runId)) as { run_id: string }
      assert.equal(run.run_id, runId)
      assert.equal((await client.dag('conformance')).dag_id, 'conformance')
    }
    if (models.previousRun) {
      const before = await client.previousDagRun('conformance', pyDate())
      assert.ok(before, 'a run before now')
    }
    noContent(await client.clearDagRun('conformance', runId), 204)

    // Assets: an unknown one is the 404 the client turns into ASSET_NOT_FOUND.
    await refused(client.getAsset(`missing_${v}`), 404)
    assert.deepEqual((await client.assetEvents(`missing_${v}`)).asset_events, [])

    if (models.stateStores) {
      noContent(await client.setTaskStore(id, 'cursor', { page: 3 }), 204)
      assert.deepEqual(await client.getTaskStore(id, 'cursor'), { value: { page: 3 } })
      noContent(await client.deleteTaskStore(id, 'cursor'), 204)
      await refused(client.getTaskStore(id, 'cursor'), 404)
    }
    if (models.hitl) {
      const asked = await client.addHitlDetail(id, ['approve', 'reject'], 'Ship it?')
      assert.deepEqual(asked.options, ['approve', 'reject'])
      assert.equal((await client.hitlResponse(id)).response_received, false)
    }
    noContent(await client.succeed(id, pyDate()), 204)
  })

  test(`SDK ${v}: a failed try goes up_for_retry`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    await client.start(id, 4001, pyDate())
    noContent(await client.heartbeat(id, 4001), 204)
    noContent(await client.retry(id, pyDate()), 204)
    noContent(await client.retry(id, pyDate()), 200)
  })

  test(`SDK ${v}: a task defers to a trigger`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    await client.start(id, 4002, pyDate())
    noContent(await client.defer(id), 204)
    noContent(await client.defer(id), 200)
  })

  test(`SDK ${v}: a sensor reschedules, then reads its first reschedule's start`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    const startedAt = pyDate()
    await client.start(id, 4005, startedAt)
    noContent(await client.reschedule(id, pyDate()), 204)
    const first = await client.rescheduleStartDate(id)
    assert.ok(first && Date.parse(first) === Date.parse(startedAt), `${first} vs ${startedAt}`)
  })

  test(`SDK ${v}: a branch skips its downstream tasks, then succeeds`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    await client.start(id, 4006, pyDate())
    noContent(await client.skipDownstream(id, ['not_taken', ['mapped_not_taken', 0]]), 204)
    noContent(await client.succeed(id, pyDate()), 204)
  })

  test(`SDK ${v}: a second worker starting a running task gets the 409 TaskAlreadyRunningError reads`, async (ctx) => {
    const { id, client } = await queuedTask(ctx, models)
    const workload = client.token
    await client.start(id, 4003, pyDate())
    const other = new SdkClient(ctx.baseUrl, workload, models)
    assert.deepEqual(
      { ...((await refused(other.start(id, 4004, pyDate()), 409)) as object) },
      {
        reason: 'invalid_state',
        message: 'TI was not in a state where it could be marked as running',
        previous_state: 'running',
      },
    )
  })
}

test('§6 the OpenAPI document of each SDK version passes @apidevtools/swagger-parser validation', async (ctx) => {
  for (const { version } of sdkVersions) {
    const url = new URL(`/execution/openapi.json?version=${version}`, ctx.baseUrl)
    const api = (await SwaggerParser.validate(await (await fetch(url)).json())) as {
      info: { version: string }
    }
    assert.equal(api.info.version, version)
  }
})
