import type { ApiVersion, Instruction, Json } from './change'
import { type EndpointModels, endpointModels, nestedModels } from './models'
import { fillPath, matchPath } from './paths'

// Cadwyn's migrations, run on data: handlers and the D1 store speak only the newest ("head")
// shapes; an answer goes DOWN through every version newer than the client's (newest first), a
// request comes UP through them (oldest first). Each version's lists are computed on its first
// request and kept; a request only walks the lists that concern its endpoint.

/** A FastAPI validation issue, as a 422 lists them. */
export interface Issue {
  type: string
  loc: (string | number)[]
  msg: string
  input?: unknown
}

/** What a client of one version sees of the endpoints the bundle mentions. */
interface Routing {
  /** Client path pattern → head path pattern (moved endpoints). */
  moved: { method: string; path: string; head: string }[]
  /** Patterns that do not exist for this version. */
  gone: { method: string; path: string }[]
}

export interface VersionPlan {
  date: string
  /** Instructions of every newer version, newest first: the order answers go down in. */
  down: readonly Instruction[]
  routing: Routing
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every object of each model found in `value`, read as `model`. */
const collect = (
  nested: Record<string, Record<string, string>>,
  model: string,
  value: unknown,
  found = new Map<string, Json[]>(),
) => {
  if (!isObject(value)) return found
  found.set(model, [...(found.get(model) ?? []), value])
  for (const [field, inner] of Object.entries(nested[model] ?? {})) {
    const list = field.endsWith('[]')
    const child = value[list ? field.slice(0, -2) : field]
    for (const item of list ? (Array.isArray(child) ? child : []) : [child]) {
      collect(nested, inner, item, found)
    }
  }
  return found
}

/** One instruction applied to an answer's object of its model, on the way down. */
const down = (step: Instruction, object: Json) => {
  switch (step.kind) {
    case 'field-added':
      delete object[step.field]
      break
    case 'field-removed':
      if (!(step.field in object)) object[step.field] = step.value
      break
    case 'field-renamed':
      if (step.field in object) {
        object[step.older] = object[step.field]
        delete object[step.field]
      }
      break
    case 'field-nullable':
      if (object[step.field] === null || object[step.field] === undefined)
        object[step.field] = step.fallback(object)
      break
    case 'convert':
      step.convert(object)
      break
  }
}

/**
 * One instruction applied to a request body of its model, on the way up; issues are collected.
 * Answers whether the body changed.
 */
const up = (step: Instruction, body: Json, issues: Issue[]) => {
  if (step.kind === 'field-added' && step.field in body) {
    // Airflow's request models forbid extras: a field the client's version lacks is refused.
    const input = body[step.field]
    const msg = 'Extra inputs are not permitted'
    issues.push({ type: 'extra_forbidden', loc: ['body', step.field], msg, input })
  } else if (step.kind === 'field-removed' && step.field in body) {
    delete body[step.field]
    return true
  } else if (step.kind === 'field-renamed' && step.older in body) {
    body[step.field] = body[step.older]
    delete body[step.older]
    return true
  } else if (step.kind === 'field-narrowed' && step.field in body) {
    const input = body[step.field]
    const msg = `Input should be ${step.type}`
    if (!step.accepts(input))
      issues.push({ type: 'type_error', loc: ['body', step.field], msg, input })
  }
  return false
}

/** The endpoint table a client of `date` sees, from the head table and the newer versions. */
const routingFor = (newer: readonly ApiVersion[]): Routing => {
  // Entries: client pattern → head pattern, for the endpoints the bundle mentions.
  const entries: { method: string; path: string; head: string }[] = []
  const gone: { method: string; path: string }[] = []
  const entry = (method: string, path: string) => {
    let found = entries.find((e) => e.method === method && e.path === path)
    if (!found) {
      found = { method, path, head: path }
      entries.push(found)
    }
    return found
  }
  for (const version of newer) {
    for (const step of version.changes.flatMap((c) => c.instructions)) {
      if (step.kind === 'endpoint-added') {
        const found = entry(step.method, step.path)
        entries.splice(entries.indexOf(found), 1)
        gone.push({ method: step.method, path: step.path })
      } else if (step.kind === 'endpoint-moved') {
        const found = entry(step.method, step.path)
        gone.push({ method: step.method, path: step.path })
        found.path = step.older
      }
    }
  }
  const moved = entries.filter((e) => e.path !== e.head)
  return {
    moved,
    gone: gone.filter((g) => !moved.some((m) => m.method === g.method && m.path === g.path)),
  }
}

/** `versions`, newest first. */
export const newestFirst = (versions: readonly ApiVersion[]): ApiVersion[] =>
  // Dates are ISO `YYYY-MM-DD`: code-unit order is date order, and `localeCompare` would load
  // ICU's collator on a cold start (~6 ms on Node 22) for nothing.
  [...versions].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))

/** Builds the plans of a bundle; `versions` in any order. */
export const createEngine = (
  versions: readonly ApiVersion[],
  endpoints: readonly EndpointModels[] = endpointModels,
  nested: Record<string, Record<string, string>> = nestedModels,
) => {
  const sorted = newestFirst(versions)
  const dates = sorted.map((v) => v.date)
  // A version's plan is built on its first request: a cold start pays only for the one it serves.
  const plans = new Map<string, VersionPlan>()
  const planOf = (date: string): VersionPlan => {
    const known = plans.get(date)
    if (known) return known
    const i = dates.indexOf(date)
    if (i < 0) return undefined as unknown as VersionPlan
    const newer = sorted.slice(0, i)
    const plan = {
      date,
      down: newer.flatMap((v) => v.changes.flatMap((c) => c.instructions)),
      routing: routingFor(newer),
    }
    plans.set(date, plan)
    return plan
  }
  const endpointOf = (method: string, path: string): EndpointModels | undefined =>
    endpoints.find((e) => e.method === method && matchPath(e.path, path))

  return {
    /** Every version served, newest first. */
    dates,
    planOf,
    endpointOf,

    /**
     * Where a client's request goes: `{ path, query }` to serve (moved endpoints rewritten to
     * their head path, parameters the head path has no place for added to the query), or
     * `undefined` when the endpoint does not exist in the client's version.
     */
    route(date: string, method: string, path: string) {
      const { moved, gone } = planOf(date).routing
      for (const m of moved) {
        const params = m.method === method ? matchPath(m.path, path) : undefined
        if (params) {
          const { path: head, rest } = fillPath(m.head, params)
          return { path: head, query: rest }
        }
      }
      if (gone.some((g) => g.method === method && matchPath(g.path, path))) return undefined
      return { path, query: {} }
    },

    /** Migrates a head answer of `model` down to `date`, in place; returns it. */
    answerDown(date: string, model: string, body: unknown) {
      const steps = planOf(date).down
      if (!steps.length || !isObject(body)) return body
      const objects = collect(nested, model, body)
      for (const step of steps) {
        if (!('model' in step)) continue
        for (const object of objects.get(step.model) ?? []) down(step, object)
      }
      return body
    },

    /**
     * Migrates a request body of `model` up from `date` to head, in place: `issues` mean 422,
     * `changed` that the body must be sent on as rewritten.
     */
    requestUp(date: string, model: string, body: Json) {
      const issues: Issue[] = []
      let changed = false
      const steps = planOf(date).down
      for (let i = steps.length - 1; i >= 0; i--) {
        const step = steps[i] as Instruction
        if ('model' in step && step.model === model) changed = up(step, body, issues) || changed
      }
      return { issues, changed }
    },

    /** Query parameters of `model` the client's version did not have: dropped, as FastAPI ignores them. */
    unknownQuery(date: string, model: string): string[] {
      return planOf(date).down.flatMap((s) =>
        s.kind === 'field-added' && s.model === model ? [s.field] : [],
      )
    },
  }
}

export type VersionEngine = ReturnType<typeof createEngine>
