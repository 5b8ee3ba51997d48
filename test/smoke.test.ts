// Smoke test for the test infrastructure itself; replace once real suites exist.
import { SELF } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('workers test project', () => {
  it('binds D1 with the migrations applied', async () => {
    const row = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
    ).first<{ name: string }>()
    expect(row?.name).toBe('meta')
  })

  it('exposes the wrangler.toml vars', () => {
    expect(env.JWT_AUDIENCE).toBe('urn:airflow.apache.org:task')
  })

  it('reaches the main Worker', async () => {
    const viaExports = await exports.default.fetch('http://example.com/')
    expect(viaExports.status).toBe(200)
    const viaSelf = await SELF.fetch('http://example.com/')
    expect(await viaSelf.text()).toBe(await viaExports.text())
  })
})
