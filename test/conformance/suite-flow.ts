import assert from 'node:assert/strict'
import { test } from './harness.ts'
import { call, claimsOf, expectError, expectNoEcho, expectStatus, refreshed } from './http.ts'

// Contract §4 and §5 through the Execution API: token types per route, `ti:self`, the
// run → heartbeat → state flow, the workload-token exchange at /run and near-expiry refresh.

const now = () => Math.floor(Date.now() / 1000)
const ti = (id: string, action: string) => `/task-instances/${id}/${action}`
const runBody = (pid = 4242) => ({
  state: 'running',
  hostname: 'runner-1.local',
  unixname: 'airflow',
  pid,
  start_date: new Date().toISOString(),
})
const typeDenied = "Token type 'workload' not allowed for this endpoint. Allowed types: execution"
const subjectDenied = 'Token subject does not match task instance ID'

test('§4 a workload token on an execution-only route: 403 insufficient_scope', async (ctx) => {
  const token = await ctx.mint({ scope: 'workload' })
  const answer = await call(ctx.baseUrl, 'GET', '/variables/seeded_var', { token })
  expectError(answer, 403, typeDenied, { error: 'insufficient_scope', scope: 'token:execution' })
  expectNoEcho(answer, token)
})

test('§4 a workload token on /heartbeat (not relaxed): 403', async (ctx) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id, scope: 'workload' })
  const answer = await call(ctx.baseUrl, 'PUT', ti(id, 'heartbeat'), {
    token,
    body: { hostname: 'h', pid: 1 },
  })
  expectError(answer, 403, typeDenied, { error: 'insufficient_scope', scope: 'token:execution' })
})

test('§4 ti:self: another task instance’s token is refused with 403', async (ctx) => {
  const token = await ctx.mint({ sub: ctx.queued() })
  const answer = await call(ctx.baseUrl, 'PATCH', ti(ctx.queued(), 'run'), {
    token,
    body: runBody(),
  })
  expectError(answer, 403, subjectDenied, { error: 'insufficient_scope', scope: 'ti:self' })
})

test('§4 ti:self compares UUIDs, not strings (upper-case path)', async (ctx) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id })
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id.toUpperCase(), 'run'), {
    token,
    body: runBody(),
  })
  expectStatus(answer, 200)
})

test('§5 /run with a workload token: 200 and an execution token in exchange', async (ctx) => {
  const id = ctx.queued()
  const workload = await ctx.mint({ sub: id, scope: 'workload' })
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), {
    token: workload,
    body: runBody(),
  })
  expectStatus(answer, 200)
  // A TIRunContext (suite-sdk.ts checks it field by field against the Task SDK's models).
  const context = answer.json as { dag_run: Record<string, unknown> }
  assert.equal(context.dag_run.dag_id, 'conformance')
  for (const field of ['max_tries', 'should_retry', 'xcom_keys_to_clear']) {
    assert.ok(field in context, `run context has ${field}`)
  }
  const fresh = refreshed(answer)
  assert.ok(fresh, 'Refreshed-API-Token is set')
  const claims = claimsOf(fresh)
  assert.equal(claims.sub, id)
  assert.equal(claims.scope, 'execution')
  assert.equal((claims.exp as number) - (claims.iat as number), 600)
  assert.equal(typeof claims.jti, 'string')
  // The exchanged token is what the runner uses from now on.
  const beat = await call(ctx.baseUrl, 'PUT', ti(id, 'heartbeat'), {
    token: fresh,
    body: { hostname: 'runner-1.local', pid: 4242 },
  })
  expectStatus(beat, 204)
})

test('§5 /run with an execution token: no Refreshed-API-Token', async (ctx) => {
  const id = ctx.queued()
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), {
    token: await ctx.mint({ sub: id }),
    body: runBody(),
  })
  expectStatus(answer, 200)
  assert.equal(refreshed(answer), null)
})

test('§5 /run refused (409) hands out no token', async (ctx) => {
  const id = ctx.seeded('success')
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), {
    token: await ctx.mint({ sub: id, scope: 'workload' }),
    body: runBody(),
  })
  expectStatus(answer, 409)
  assert.deepEqual(
    (answer.json as { detail: Record<string, unknown> }).detail.reason,
    'invalid_state',
  )
  assert.equal(
    (answer.json as { detail: Record<string, unknown> }).detail.previous_state,
    'success',
  )
  assert.equal(refreshed(answer), null)
})

test('§5 a near-expiry execution token is refreshed, claims kept', async (ctx) => {
  const iat = now() - 590
  const token = await ctx.mint({ iat, nbf: iat, exp: iat + 600, team_hint: 'kept' })
  const answer = await call(ctx.baseUrl, 'GET', '/variables/seeded_var', { token })
  expectStatus(answer, 200)
  const fresh = refreshed(answer)
  assert.ok(fresh, 'Refreshed-API-Token is set')
  const before = claimsOf(token)
  const after = claimsOf(fresh)
  assert.equal(after.sub, before.sub)
  assert.equal(after.team_hint, 'kept')
  assert.equal(after.scope, 'execution')
  assert.notEqual(after.jti, before.jti)
  assert.ok((after.exp as number) > (before.exp as number))
  expectStatus(await call(ctx.baseUrl, 'GET', '/variables/seeded_var', { token: fresh }), 200)
})

test('§5 a token with time left (above the threshold) is not refreshed', async (ctx) => {
  const iat = now() - 400 // 200 s left of 600; the threshold is max(120, 30)
  const token = await ctx.mint({ iat, nbf: iat, exp: iat + 600 })
  const answer = await call(ctx.baseUrl, 'GET', '/variables/seeded_var', { token })
  expectStatus(answer, 200)
  assert.equal(refreshed(answer), null)
})

test('§6 run → heartbeat → state, then the task is no longer running', async (ctx) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id })
  const send = (method: string, action: string, body: unknown) =>
    call(ctx.baseUrl, method, ti(id, action), { token, body })
  expectStatus(await send('PATCH', 'run', runBody(77)), 200)
  // The same host and pid repeating /run (a lost answer) is idempotent.
  expectStatus(await send('PATCH', 'run', runBody(77)), 200)
  const elsewhere = await send('PATCH', 'run', runBody(78))
  expectStatus(elsewhere, 409)
  assert.equal(
    (elsewhere.json as { detail: { previous_state: string } }).detail.previous_state,
    'running',
  )
  expectStatus(await send('PUT', 'heartbeat', { hostname: 'runner-1.local', pid: 77 }), 204)
  expectStatus(await send('PUT', 'heartbeat', { hostname: 'runner-1.local', pid: 78 }), 409)
  const end = { state: 'success', end_date: new Date().toISOString() }
  expectStatus(await send('PATCH', 'state', end), 204)
  // The same state again is a retried call: 200 with no body, as Airflow; another state is a 409.
  expectStatus(await send('PATCH', 'state', end), 200)
  expectStatus(await send('PATCH', 'state', { ...end, state: 'failed' }), 409)
  expectStatus(await send('PUT', 'heartbeat', { hostname: 'runner-1.local', pid: 77 }), 409)
})

test('§6 a restarting task instance may run again', async (ctx) => {
  const id = ctx.seeded('restarting')
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), {
    token: await ctx.mint({ sub: id }),
    body: runBody(),
  })
  expectStatus(answer, 200)
})

test('§6 two runners racing for one task instance: exactly one wins', async (ctx) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id })
  const answers = await Promise.all(
    [1001, 1002, 1003, 1004].map((pid) =>
      call(ctx.baseUrl, 'PATCH', ti(id, 'run'), { token, body: runBody(pid) }),
    ),
  )
  const statuses = answers.map((a) => a.status).sort()
  assert.deepEqual(statuses, [200, 409, 409, 409])
})

test('§6 unknown task instance: 404 not_found', async (ctx) => {
  const id = crypto.randomUUID()
  const token = await ctx.mint({ sub: id })
  const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), { token, body: runBody() })
  expectStatus(answer, 404)
  assert.equal((answer.json as { detail: { reason: string } }).detail.reason, 'not_found')
})

test('§6 bad bodies: 422 with the issues, never 500', async (ctx) => {
  const id = ctx.queued()
  const token = await ctx.mint({ sub: id })
  const bad = [{ ...runBody(), pid: 'one' }, { ...runBody(), state: 'queued' }, { hostname: 'h' }]
  for (const body of bad) {
    const answer = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), { token, body })
    expectStatus(answer, 422)
    // As FastAPI writes it: `loc` starts with the request part.
    const { detail } = answer.json as { detail: { loc: unknown[] }[] }
    assert.ok(detail.length && detail.every((d) => d.loc[0] === 'body'), answer.text)
  }
  const broken = await call(ctx.baseUrl, 'PATCH', ti(id, 'run'), { token, rawBody: '{"state":' })
  expectStatus(broken, 422)
  const state = await call(ctx.baseUrl, 'PATCH', ti(id, 'state'), {
    token,
    body: { state: 'exploded', end_date: 'yesterday' },
  })
  expectStatus(state, 422)
})
