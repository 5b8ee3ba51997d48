import * as z from 'zod'
import { jsonObject, utc } from './common'

// Human-in-the-loop details, after execution_api/datamodels/hitl.py (apache/airflow@8866357e089d)
// and the Task SDK's models at @014c5f048a12 (`responded_at`). These models ignore unknown fields
// (the SDK's payloads carry a `type`), as Airflow's non-strict `BaseModel` does.

const user = z.object({ id: z.string(), name: z.string() }).meta({ title: 'HITLUser' })

/** `HITLDetailRequest`: the question a task asks. */
export const hitlRequest = z
  .object({
    ti_id: z.uuid(),
    options: z.array(z.string()).min(1),
    subject: z.string(),
    body: z.string().nullable().default(null),
    defaults: z.array(z.string()).nullable().default(null),
    multiple: z.boolean().default(false),
    params: jsonObject.nullable().default({}),
    assigned_users: z.array(user).nullable().default([]),
  })
  .meta({ title: 'HITLDetailRequest' })

/** `UpdateHITLDetailPayload`: the answer. */
export const hitlUpdate = z
  .object({
    ti_id: z.uuid(),
    chosen_options: z.array(z.string()).min(1),
    params_input: jsonObject.nullable().default({}),
  })
  .meta({ title: 'UpdateHITLDetailPayload' })

/** `HITLDetailResponse`. */
export const hitlResponse = z
  .object({
    response_received: z.boolean(),
    responded_by_user: user.nullable(),
    responded_at: utc.nullable(),
    chosen_options: z.array(z.string()).nullable(),
    params_input: jsonObject,
  })
  .meta({ title: 'HITLDetailResponse' })

export type HitlRequest = z.output<typeof hitlRequest>
