import { describe, expect, it } from 'vitest'
import { documentedScopes } from '../../src/index'
import { setup } from './helpers'

const { app, request } = setup()
const res = await request('/execution/openapi.json')
const doc = (await res.json()) as {
  openapi: string
  paths: Record<
    string,
    Record<string, { security: Record<string, string[]>[]; operationId: string }>
  >
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
}

const keysOf = (node: unknown, found: string[] = []): string[] => {
  if (Array.isArray(node)) for (const n of node) keysOf(n, found)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      found.push(key)
      keysOf(value, found)
    }
  }
  return found
}

describe('GET /execution/openapi.json', () => {
  it('is OpenAPI 3.1 with a bearer JWT scheme, served without a token', () => {
    expect(res.status).toBe(200)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.securitySchemes).toEqual({
      JWTBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    })
  })

  it('has every route of the table, with its effective scopes', () => {
    // One operation per route, and no more (the table grows with every route of the SDK client).
    const operations = Object.values(doc.paths).flatMap((ops) => Object.keys(ops))
    expect(operations.length).toBe(app.table.routes.length)
    for (const route of app.table.routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}')
      const op = doc.paths[path]?.[route.method]
      expect(op, `${route.method} ${path}`).toBeDefined()
      const expected = route.public ? [] : [{ JWTBearer: documentedScopes(route) }]
      expect(op?.security).toEqual(expected)
    }
    const run = doc.paths['/execution/task-instances/{task_instance_id}/run']?.patch
    expect(run?.security).toEqual([{ JWTBearer: ['ti:self', 'token:execution', 'token:workload'] }])
    const heartbeat = doc.paths['/execution/task-instances/{task_instance_id}/heartbeat']?.put
    expect(heartbeat?.security).toEqual([{ JWTBearer: ['ti:self', 'token:execution'] }])
    const variable = doc.paths['/execution/variables/{key}']?.get
    expect(variable?.security).toEqual([{ JWTBearer: ['token:execution'] }])
  })

  it('carries request and response schemas, and no internal keys', () => {
    const run = doc.paths['/execution/task-instances/{task_instance_id}/run']?.patch as Record<
      string,
      unknown
    >
    expect(run.requestBody).toMatchObject({
      content: { 'application/json': { schema: { properties: { pid: { type: 'integer' } } } } },
    })
    expect(run.responses).toHaveProperty(['200', 'content', 'application/json', 'schema'])
    expect(run.responses).toHaveProperty('422')
    const keys = keysOf(doc)
    expect(keys.filter((k) => k.startsWith('x-'))).toEqual([])
    expect(keys).not.toContain('$schema')
    expect(keys).not.toContain('$defs')
    // Every reference resolves inside the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
    for (const ref of refs) {
      const name = ref.match(/#\/components\/schemas\/([^"]+)/)?.[1] ?? ref
      expect(doc.components.schemas, ref).toHaveProperty(name)
    }
  })
})
