import type { Context } from 'hono'
import { notFound, pyRepr } from '../models/common'
import {
  assetByName,
  assetByNameKey,
  assetByUri,
  assetByUriKey,
  assetStorePut,
  storeValue,
} from '../models/stores'
import {
  activeAssetId,
  deleteAssetValues,
  getAssetValue,
  putAssetValue,
} from '../store/state-stores'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// The asset state store (any execution token, routes/asset_state_store.py at
// apache/airflow@f68d8303b6b9): one namespace per active asset, named by name or by URI.

const missing = { description: 'Not found', schema: notFound }
const assetTags = ['Asset State Store']

type AssetBy = { name: string } | { uri: string }

/** The asset's id, or Airflow's 404 for an asset that is unknown or inactive. */
const assetIdOr404 = async (
  c: Context,
  by: AssetBy,
): Promise<{ id: number } | { refused: Response }> => {
  const id = await activeAssetId(c.env.DB, by)
  if (id !== null) return { id }
  const [field, value] = 'name' in by ? ['name', by.name] : ['uri', by.uri]
  return { refused: c.json(notFoundBody(`Asset with ${field}=${pyRepr(value)} not found`), 404) }
}

/** The four routes of one way of naming an asset (`by-name` with `name`, `by-uri` with `uri`). */
const assetRoutes = <K extends 'name' | 'uri'>(by: K) => {
  const keyQuery = by === 'name' ? assetByNameKey : assetByUriKey
  const assetQuery = by === 'name' ? assetByName : assetByUri
  /** Runs `f` with the asset's id and the query's key, or answers the asset's 404. */
  const withAsset = async (
    c: Context,
    query: unknown,
    f: (assetId: number, key: string) => Promise<Response>,
  ) => {
    const q = query as Record<string, string>
    const ident = by === 'name' ? { name: q.name as string } : { uri: q.uri as string }
    const asset = await assetIdOr404(c, ident)
    return 'refused' in asset ? asset.refused : f(asset.id, q.key as string)
  }
  const value = `/by-${by}/value` as const
  return [
    defineRoute({
      method: 'get',
      path: value,
      summary: `Read an asset state store key (asset by ${by})`,
      operationId: `get_asset_state_store_by_${by}`,
      tags: assetTags,
      validate: { query: keyQuery },
      responses: { 200: { description: 'The value', schema: storeValue }, 404: missing },
      handler: (c) =>
        withAsset(c, c.req.valid('query'), async (id, key) => {
          const found = await getAssetValue(c.env.DB, id, key)
          if (found) return c.json(found, 200)
          return c.json(notFoundBody(`Asset state store key ${pyRepr(key)} not found`), 404)
        }),
    }),
    defineRoute({
      method: 'put',
      path: value,
      summary: `Set an asset state store key (asset by ${by})`,
      operationId: `set_asset_state_store_by_${by}`,
      tags: assetTags,
      validate: { query: keyQuery, json: assetStorePut },
      responses: { 204: { description: 'Set' }, 404: missing },
      handler: (c) =>
        withAsset(c, c.req.valid('query'), async (id, key) => {
          await putAssetValue(
            c.env.DB,
            id,
            key,
            c.req.valid('json').value,
            new Date().toISOString(),
          )
          return c.body(null, 204)
        }),
    }),
    defineRoute({
      method: 'delete',
      path: value,
      summary: `Delete an asset state store key (asset by ${by})`,
      operationId: `delete_asset_state_store_by_${by}`,
      tags: assetTags,
      validate: { query: keyQuery },
      responses: { 204: { description: 'Deleted (or was absent)' }, 404: missing },
      handler: (c) =>
        withAsset(c, c.req.valid('query'), async (id, key) => {
          await deleteAssetValues(c.env.DB, id, key)
          return c.body(null, 204)
        }),
    }),
    defineRoute({
      method: 'delete',
      path: `/by-${by}/clear` as const,
      summary: `Delete every state store key of an asset (asset by ${by})`,
      operationId: `clear_asset_state_store_by_${by}`,
      tags: assetTags,
      validate: { query: assetQuery },
      responses: { 204: { description: 'Cleared' }, 404: missing },
      handler: (c) =>
        withAsset(c, c.req.valid('query'), async (id) => {
          await deleteAssetValues(c.env.DB, id)
          return c.body(null, 204)
        }),
    }),
  ] as const
}

export const assetStateStore = defineGroup({
  path: '/store/asset',
  routes: [...assetRoutes('name'), ...assetRoutes('uri')],
})
