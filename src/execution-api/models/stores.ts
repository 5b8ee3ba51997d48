import * as z from 'zod'
import { queryBool, utcInput } from './common'

// The task and asset state stores, after execution_api/datamodels/task_state_store.py and
// asset_state_store.py (routes at apache/airflow@c338c62d0d93 and @f68d8303b6b9).

/** `TaskStateStorePutBody` (`extra="forbid"`): any JSON value, and when it expires. */
export const taskStorePut = z
  .strictObject({ value: z.json(), expires_at: utcInput.nullable().optional() })
  .meta({ title: 'TaskStateStorePutBody' })

/** `AssetStateStorePutBody` (`extra="forbid"`). */
export const assetStorePut = z
  .strictObject({ value: z.json() })
  .meta({ title: 'AssetStateStorePutBody' })

/** `TaskStateStoreResponse` and `AssetStateStoreResponse`: the stored value. */
export const storeValue = z.object({ value: z.json() }).meta({ title: 'StateStoreResponse' })

const key = z.string().min(1)

export const taskStoreParam = z.object({ task_instance_id: z.uuid(), key })
export const taskStoreClearQuery = z.object({ all_map_indices: queryBool.default(false) })

export const assetByNameKey = z.object({ name: z.string().min(1), key })
export const assetByUriKey = z.object({ uri: z.string().min(1), key })
export const assetByName = z.object({ name: z.string().min(1) })
export const assetByUri = z.object({ uri: z.string().min(1) })
