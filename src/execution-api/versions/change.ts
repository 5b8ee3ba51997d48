// The vocabulary of a version change, as data. Each instruction mirrors one of Cadwyn's
// (`schema(M).field(f).didnt_exist`, `.existed_as`, `.had(name=…)`, `.had(type=…)`,
// `endpoint(p, [m]).didnt_exist` / `.existed`) or one `convert_response_to_previous_version_for`
// converter. Read them as "what the version BEFORE this one looked like".

/** A JSON object as the engine walks it. */
export type Json = Record<string, unknown>

export type Instruction =
  /** The field did not exist before: dropped from older answers, refused in older requests. */
  | { kind: 'field-added'; model: string; field: string }
  /** The field existed before (removed since): put back into older answers with `value`. */
  | { kind: 'field-removed'; model: string; field: string; value: unknown }
  /** The field was called `older` before: renamed in answers going down, requests going up. */
  | { kind: 'field-renamed'; model: string; field: string; older: string }
  /** The field was never null before: a null in an answer becomes `fallback(object)`. */
  | { kind: 'field-nullable'; model: string; field: string; fallback: (object: Json) => unknown }
  /** The field took fewer types before: an older request outside `accepts` is a 422. */
  | {
      kind: 'field-narrowed'
      model: string
      field: string
      accepts: (value: unknown) => boolean
      type: string
    }
  /** The endpoint did not exist before: 404 for older clients. */
  | { kind: 'endpoint-added'; method: string; path: string }
  /** The endpoint lived at `older` before: older clients call it there (path params move to the query). */
  | { kind: 'endpoint-moved'; method: string; path: string; older: string }
  /** Any other converter of an answer of `model`, run in place on each such object. */
  | { kind: 'convert'; model: string; convert: (object: Json) => void }

/** One Cadwyn `VersionChange`: its class name, docstring and instructions. */
export interface VersionChange {
  name: string
  description: string
  instructions: readonly Instruction[]
}

/** One dated version and the changes that separate it from the version before it. */
export interface ApiVersion {
  /** `YYYY-MM-DD`, as clients send it in `Airflow-API-Version`. */
  date: string
  changes: readonly VersionChange[]
}

export const fieldAdded = (model: string, ...fields: string[]): Instruction[] =>
  fields.map((field) => ({ kind: 'field-added', model, field }))

export const endpointAdded = (method: string, ...paths: string[]): Instruction[] =>
  paths.map((path) => ({ kind: 'endpoint-added', method, path }))
