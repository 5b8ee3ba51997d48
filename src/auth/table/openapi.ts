import * as z from 'zod'
import type { StandardSchemaV1 } from '../profile/standard-schema'
import type { TableRoute } from './table'

/** What `openApiDocument` needs besides the routes. */
export interface OpenApiOptions {
  /** `info.title`. */
  title: string
  /** `info.version`. */
  version: string
  /** `info.description`. Default: none. */
  description?: string
  /** `servers`. Default: none. */
  servers?: readonly { url: string; description?: string }[]
  /** Name of the bearer security scheme. Default: `'JWTBearer'`. */
  securityScheme?: string
}

type Schema = Record<string, unknown>

/** An OpenAPI 3.1 document, as plain JSON. */
export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description?: string }
  servers?: { url: string; description?: string }[]
  paths: Record<string, Record<string, Schema>>
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> }
}

const errorRef = { $ref: '#/components/schemas/HTTPError' }
const validationRef = { $ref: '#/components/schemas/HTTPValidationError' }

// Keys a published document must not carry: JSON Schema's `$schema` (implied by OpenAPI 3.1) and
// any `x-` extension used while building. Names inside `properties` are data, never dropped.
const clean = (node: unknown, refs: Map<string, string>, isMap = false): unknown => {
  if (Array.isArray(node)) return node.map((n) => clean(n, refs))
  if (!node || typeof node !== 'object') return node
  const out: Schema = {}
  for (const [key, value] of Object.entries(node)) {
    if (!isMap && (key === '$schema' || key === '$defs' || key.startsWith('x-'))) continue
    if (!isMap && key === '$ref' && typeof value === 'string') {
      // Definitions move to components, where OpenAPI resolves references.
      const name = value === '#' ? value : value.replace(/^#\/\$defs\//, '')
      out[key] = refs.has(name) ? `#/components/schemas/${refs.get(name)}` : value
      continue
    }
    const childIsMap = !isMap && (key === 'properties' || key === 'patternProperties')
    out[key] = clean(value, refs, childIsMap)
  }
  return out
}

/**
 * One schema as JSON Schema 2020-12; its `$defs` join `defs` under names unique in the document.
 * zod schemas are written out; another Standard Schema (valibot, …) is documented as any value.
 */
const jsonSchema = (
  schema: StandardSchemaV1,
  io: 'input' | 'output',
  defs: Record<string, Schema>,
): Schema => {
  if (schema['~standard'].vendor !== 'zod') return {}
  const raw = z.toJSONSchema(schema as z.ZodType, { io, unrepresentable: 'any' }) as Schema
  const local = (raw.$defs ?? {}) as Record<string, Schema>
  // zod names definitions per call (`__schema0`): one identical to a definition already collected
  // (compared under its own names) is shared, any other gets a name of its own.
  const same = new Map(Object.keys(local).map((name) => [name, name]))
  const refs = new Map<string, string>()
  for (const [name, def] of Object.entries(local)) {
    const existing = defs[name]
    if (existing && JSON.stringify(existing) === JSON.stringify(clean(def, same))) {
      refs.set(name, name)
      continue
    }
    let unique = name
    for (let n = 1; unique in defs; n++) unique = `${name}_${n}`
    refs.set(name, unique)
  }
  for (const [name, def] of Object.entries(local)) {
    const unique = refs.get(name) as string
    defs[unique] ??= clean(def, refs) as Schema
  }
  if (!JSON.stringify(raw).includes('"$ref":"#"')) return clean(raw, refs) as Schema
  // A recursive schema (`z.json()`) refers to its own root: it becomes a component of its own.
  const asNamed = (name: string) => clean(raw, new Map(refs).set('#', name)) as Schema
  const base = typeof raw.title === 'string' ? raw.title.replace(/\W+/g, '') : 'Schema'
  let name = base
  for (let n = 1; name in defs; n++) {
    if (JSON.stringify(defs[name]) === JSON.stringify(asNamed(name))) break
    name = `${base}_${n}`
  }
  defs[name] ??= asNamed(name)
  return { $ref: `#/components/schemas/${name}` }
}

// `/a/:id{[0-9]+}/:opt?` → `/a/{id}/{opt}`.
const openApiPath = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}')

const pathParams = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string)

const parameters = (route: TableRoute, defs: Record<string, Schema>) => {
  const list: Schema[] = []
  const named = new Set<string>()
  for (const where of ['param', 'query', 'header'] as const) {
    const schema = route.validate[where]
    if (!schema) continue
    const object = jsonSchema(schema, 'input', defs)
    const required = new Set((object.required as string[] | undefined) ?? [])
    const properties = (object.properties ?? {}) as Record<string, Schema>
    for (const [name, property] of Object.entries(properties)) {
      const location = where === 'param' ? 'path' : where
      named.add(`${location}:${name}`)
      list.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        schema: property,
      })
    }
  }
  for (const name of pathParams(route.path)) {
    if (!named.has(`path:${name}`))
      list.push({ name, in: 'path', required: true, schema: { type: 'string' } })
  }
  return list
}

/** The scopes an operation's security requirement lists: its effective scopes and token types. */
export const documentedScopes = (route: TableRoute): string[] => [
  ...new Set([...route.scopes, ...route.tokenTypes.map((type) => `token:${type}`)]),
]

const operation = (route: TableRoute, scheme: string, defs: Record<string, Schema>) => {
  const op: Schema = {
    operationId: route.operationId ?? `${route.method}${route.path.replace(/\W+/g, '_')}`,
  }
  if (route.summary) op.summary = route.summary
  if (route.description) op.description = route.description
  if (route.tags?.length) op.tags = [...route.tags]
  const params = parameters(route, defs)
  if (params.length) op.parameters = params
  if (route.validate.json) {
    const schema = jsonSchema(route.validate.json, 'input', defs)
    op.requestBody = { required: true, content: { 'application/json': { schema } } }
  }
  const responses: Record<string, Schema> = {}
  for (const [status, doc] of Object.entries(route.responses ?? { 200: { description: 'OK' } })) {
    responses[status] = { description: doc.description }
    if (doc.schema) {
      const schema = jsonSchema(doc.schema, 'output', defs)
      responses[status].content = { 'application/json': { schema } }
    }
  }
  const error = (description: string, schema = errorRef) => ({
    description,
    content: { 'application/json': { schema } },
  })
  if (!route.public) {
    responses['401'] ??= error('Missing, invalid or expired token')
    responses['403'] ??= error('Token type or subject not allowed here')
    responses['503'] ??= error('Token keys unavailable')
  }
  if (Object.keys(route.validate).length) {
    responses['422'] ??= error('Invalid request', validationRef)
  }
  op.responses = responses
  op.security = route.public ? [] : [{ [scheme]: documentedScopes(route) }]
  return op
}

/**
 * An OpenAPI 3.1 document built from a route table: paths, parameters, request and response bodies
 * from the routes' zod schemas (zod's own JSON Schema output), and a bearer JWT scheme whose
 * requirement on each operation lists the route's effective scopes and token types.
 *
 * @example
 * const table = routeTable(root, { auth })
 * app.get('/openapi.json', (c) => c.json(openApiDocument(table.routes, { title: 'API', version: '1' })))
 */
export const openApiDocument = (
  routes: readonly TableRoute[],
  options: OpenApiOptions,
): OpenApiDocument => {
  const scheme = options.securityScheme ?? 'JWTBearer'
  const defs: Record<string, Schema> = {}
  const paths: OpenApiDocument['paths'] = {}
  for (const route of routes) {
    const path = openApiPath(route.path)
    paths[path] ??= {}
    paths[path][route.method] = operation(route, scheme, defs)
  }
  const info: OpenApiDocument['info'] = { title: options.title, version: options.version }
  if (options.description) info.description = options.description
  return {
    openapi: '3.1.0',
    info,
    ...(options.servers ? { servers: options.servers.map((s) => ({ ...s })) } : {}),
    paths,
    components: {
      schemas: {
        ...defs,
        HTTPError: {
          type: 'object',
          properties: { detail: {} },
          required: ['detail'],
        },
        HTTPValidationError: {
          type: 'object',
          properties: {
            detail: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  loc: { type: 'array', items: { type: ['string', 'integer'] } },
                  msg: { type: 'string' },
                  type: { type: 'string' },
                },
                required: ['loc', 'msg', 'type'],
              },
            },
          },
          required: ['detail'],
        },
      },
      securitySchemes: { [scheme]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  }
}
