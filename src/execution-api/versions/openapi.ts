import type { OpenApiDocument } from '../../index'
import type { Instruction } from './change'
import type { VersionEngine } from './engine'

// The OpenAPI document of one version, made from the head document the route table builds: the
// endpoints the version lacks removed, moved ones back at their old path, and every schema titled
// with a model name (zod's `.meta({ title })`) given the fields that version had.

type Node = Record<string, unknown>

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every schema object titled `model` in `node`. */
const schemasOf = (node: unknown, found: Node[] = []): Node[] => {
  if (Array.isArray(node)) for (const n of node) schemasOf(n, found)
  else if (isNode(node)) {
    if (typeof node.title === 'string' && isNode(node.properties)) found.push(node)
    for (const value of Object.values(node)) schemasOf(value, found)
  }
  return found
}

const withoutNull = (schema: unknown): unknown => {
  if (!isNode(schema)) return schema
  if (Array.isArray(schema.anyOf)) {
    const rest = schema.anyOf.filter((s) => !(isNode(s) && s.type === 'null'))
    const { anyOf: _, ...others } = schema
    return rest.length === 1 ? { ...others, ...(rest[0] as Node) } : { ...others, anyOf: rest }
  }
  if (Array.isArray(schema.type))
    return { ...schema, type: schema.type.filter((t) => t !== 'null') }
  return schema
}

const required = (schema: Node) =>
  Array.isArray(schema.required) ? (schema.required as string[]) : []

const applyToSchema = (step: Instruction, schema: Node) => {
  const properties = schema.properties as Node
  if (step.kind === 'field-added') {
    delete properties[step.field]
    schema.required = required(schema).filter((f) => f !== step.field)
  } else if (step.kind === 'field-removed') {
    properties[step.field] ??= {}
  } else if (step.kind === 'field-renamed' && step.field in properties) {
    properties[step.older] = properties[step.field]
    delete properties[step.field]
    schema.required = required(schema).map((f) => (f === step.field ? step.older : f))
  } else if (step.kind === 'field-nullable' && step.field in properties) {
    properties[step.field] = withoutNull(properties[step.field])
    if (!required(schema).includes(step.field)) schema.required = [...required(schema), step.field]
  }
}

const toAirflowPath = (path: string, base: string) => path.slice(base.length)

/** The document `head` as a client of `date` sees it. */
export const versionDocument = (
  engine: VersionEngine,
  head: OpenApiDocument,
  date: string,
  base: string,
): OpenApiDocument => {
  const doc = structuredClone(head)
  const { moved, gone } = engine.planOf(date).routing
  const paths: OpenApiDocument['paths'] = {}
  for (const [path, operations] of Object.entries(doc.paths)) {
    const airflowPath = toAirflowPath(path, base)
    for (const [method, op] of Object.entries(operations)) {
      const upper = method.toUpperCase()
      const move = moved.find((m) => m.method === upper && m.head === airflowPath)
      if (move) {
        // The older path carries as path parameters what the head path takes in the query.
        const names = [...move.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
        const params = ((op.parameters ?? []) as Node[]).map((p) =>
          names.includes(p.name as string) ? { ...p, in: 'path', required: true } : p,
        )
        paths[base + move.path] ??= {}
        ;(paths[base + move.path] as Node)[method] = { ...op, parameters: params }
        continue
      }
      if (gone.some((g) => g.method === upper && g.path === airflowPath)) continue
      paths[path] ??= {}
      ;(paths[path] as Node)[method] = op
    }
  }
  doc.paths = paths
  const schemas = schemasOf(doc)
  for (const step of engine.planOf(date).down) {
    if (!('model' in step)) continue
    for (const schema of schemas) if (schema.title === step.model) applyToSchema(step, schema)
  }
  doc.info.version = date
  return doc
}

/**
 * Every operation documents the `Airflow-API-Version` header and the 422 a value that is not a
 * date gets (the versioning answers it before any route, public ones included).
 */
export const documentVersionHeader = (doc: OpenApiDocument, dates: readonly string[]) => {
  const header = {
    name: 'Airflow-API-Version',
    in: 'header',
    required: false,
    description:
      `The Execution API version the client speaks (${dates.at(-1)} … ${dates[0]}). Absent: the ` +
      'newest. A later date is served as the newest version not after it; a date before the first ' +
      'gets 404. The version served is echoed in the answer header of the same name.',
    schema: { type: 'string', format: 'date' },
  }
  for (const operations of Object.values(doc.paths)) {
    for (const op of Object.values(operations)) {
      op.parameters = [...((op.parameters ?? []) as Node[]), header]
      const responses = op.responses as Record<string, Node>
      responses['422'] ??= {
        description: 'Invalid request (an `Airflow-API-Version` that is not a date included)',
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } },
        },
      }
    }
  }
  return doc
}
