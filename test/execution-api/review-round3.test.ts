// The third outside review through the Worker (issue 19): bodies a validator cannot walk (items
// 5), and a team's task deleting a variable every team reads (item 6).
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, queue, running, setup, tiPath, tokenFor } from './helpers'

/** JSON nested `depth` arrays deep: valid JSON, but a recursive walk overflows the stack. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const deep = nested(100_000)

const raw = (token: string, method: string, body: string): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body,
})

describe('5. a body too deeply nested to validate: 422, never 500', () => {
  const ctx = setup()

  it('XCom value', async () => {
    const token = await tokenFor(ctx.issuer, await queue())
    const res = await ctx.request('/execution/xcoms/d/r/t/deep', raw(token, 'POST', deep))
    expect(res.status).toBe(422)
    const body = (await res.json()) as { detail: { loc: string[]; msg: string }[] }
    expect(body.detail[0]?.loc).toEqual(['body'])
    expect(body.detail[0]?.msg).toMatch(/too deeply nested/)
    // Nothing was written.
    const row = await env.DB.prepare("SELECT 1 FROM xcoms WHERE key = 'deep'").first()
    expect(row).toBeNull()
  })

  it('deferred state: trigger_kwargs and next_kwargs', async () => {
    for (const member of ['trigger_kwargs', 'next_kwargs']) {
      const { id, token } = await running(ctx)
      const body = `{"state":"deferred","classpath":"x.Trigger","next_method":"go","${member}":{"a":${deep}}}`
      const res = await ctx.request(tiPath(id, 'state'), raw(token, 'PATCH', body))
      expect(res.status).toBe(422)
      const state = await env.DB.prepare('SELECT state FROM task_instances WHERE id = ?')
        .bind(id)
        .first<{ state: string }>()
      expect(state?.state).toBe('running')
    }
  })

  it('a body nested less deeply still validates', async () => {
    const token = await tokenFor(ctx.issuer, await queue())
    const key = `k-${crypto.randomUUID()}`
    const res = await ctx.request(`/execution/xcoms/d/r/t/${key}`, raw(token, 'POST', nested(50)))
    expect(res.status).toBe(201)
  })
})

describe('6. MULTI_TEAM: a team task cannot delete a variable of no team', () => {
  const ctx = setup({ MULTI_TEAM: 'true' })
  const insert = (team: string, key: string, value: string) =>
    env.DB.prepare('INSERT INTO variables (team, key, value) VALUES (?, ?, ?)')
      .bind(team, key, value)
      .run()
  const values = async (key: string) =>
    (
      await env.DB.prepare('SELECT team, value FROM variables WHERE key = ? ORDER BY team')
        .bind(key)
        .all<{ team: string; value: string }>()
    ).results

  it('403, and the variable every team reads stays', async () => {
    const key = `shared-${crypto.randomUUID()}`
    await insert('', key, 'for all')
    const asA = await tokenFor(ctx.issuer, await queue({ dag_id: `a-${key}`, team: 'a' }))
    const res = await ctx.request(`/execution/variables/${key}`, call(asA, 'DELETE'))
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      detail: { reason: 'access_denied', message: `Task does not have access to variable ${key}` },
    })
    expect(await values(key)).toEqual([{ team: '', value: 'for all' }])
  })

  it("the team's own variable is deleted; then the shared one is refused", async () => {
    const key = `own-${crypto.randomUUID()}`
    await insert('', key, 'for all')
    await insert('a', key, 'for a')
    const asA = await tokenFor(ctx.issuer, await queue({ dag_id: `a-${key}`, team: 'a' }))
    expect((await ctx.request(`/execution/variables/${key}`, call(asA, 'DELETE'))).status).toBe(204)
    expect(await values(key)).toEqual([{ team: '', value: 'for all' }])
    expect((await ctx.request(`/execution/variables/${key}`, call(asA, 'DELETE'))).status).toBe(403)
  })

  it("another team's variable is not seen (404); a task of no team deletes a shared one", async () => {
    const key = `b-${crypto.randomUUID()}`
    await insert('b', key, 'for b')
    const asA = await tokenFor(ctx.issuer, await queue({ dag_id: `a-${key}`, team: 'a' }))
    expect((await ctx.request(`/execution/variables/${key}`, call(asA, 'DELETE'))).status).toBe(404)
    expect(await values(key)).toEqual([{ team: 'b', value: 'for b' }])

    const shared = `none-${crypto.randomUUID()}`
    await insert('', shared, 'for all')
    const noTeam = await tokenFor(ctx.issuer, await queue())
    const res = await ctx.request(`/execution/variables/${shared}`, call(noTeam, 'DELETE'))
    expect(res.status).toBe(204)
    expect(await values(shared)).toEqual([])
  })
})
