import * as z from 'zod'
import { name, queryBool, queryInt } from './common'

// Query strings of the XCom routes, after routes/xcoms.py at apache/airflow@0120e087a97c:
// `GetXcomFilterParams`, `GetXComSliceFilterParams` and the parameters of `set_xcom`.

// A map index is -1 (not mapped) or more: this Worker refuses lower ones (422) where Airflow
// would look for them and answer 404.
const mapIndex = queryInt.pipe(z.int().min(-1))

/** `GET` (and `HEAD`, which must not name a map index) of one XCom. */
export const xcomGetQuery = z.object({
  map_index: mapIndex.optional(),
  include_prior_dates: queryBool.default(false),
  offset: queryInt.optional(),
})

/** `POST`: the map index written, and how many task instances the value expands into. */
export const xcomSetQuery = z.object({
  map_index: mapIndex.default(-1),
  mapped_length: queryInt.pipe(z.int().min(0)).optional(),
})

export const xcomItemParam = z.object({
  dag_id: name,
  run_id: name,
  task_id: name,
  key: name,
  offset: queryInt,
})

export const xcomSliceQuery = z.object({
  start: queryInt.optional(),
  stop: queryInt.optional(),
  step: queryInt.optional(),
  include_prior_dates: queryBool.default(false),
})

/** `XComSequenceIndexResponse`: the bare JSON value. */
export const xcomItem = z.json().meta({ title: 'XComSequenceIndexResponse' })

/** `XComSequenceSliceResponse`: the bare list of values. */
export const xcomSlice = z.array(z.json()).meta({ title: 'XComSequenceSliceResponse' })

/** The 400 of a request Airflow refuses after validation (`reason` and `message`). */
export const badRequest = z.object({
  detail: z.object({ reason: z.string(), message: z.string() }),
})
