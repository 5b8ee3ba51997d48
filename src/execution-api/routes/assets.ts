import * as z from 'zod'
import {
  assetAnswer,
  assetEvents,
  byAliasQuery,
  byNameQuery,
  byUriQuery,
  eventsByAliasQuery,
  eventsByAssetQuery,
} from '../models/assets'
import { notFound } from '../models/common'
import {
  assetByName,
  assetByUri,
  assetOf,
  assetsByAlias,
  eventOf,
  findAssetEvents,
} from '../store/assets'
import { defineGroup, defineRoute, notFoundBody } from './builders'

// Assets and asset events (routes/assets.py at apache/airflow@48ac8bcd93fd, asset_events.py at
// @227f76f09bf4; `/assets/by-alias` as the 2026-06-30 version adds it). Any execution token.

const missing = { description: 'Unknown asset', schema: notFound }

const byName = defineRoute({
  method: 'get',
  path: '/by-name',
  summary: 'An active asset, by name',
  operationId: 'get_asset_by_name',
  tags: ['Assets'],
  validate: { query: byNameQuery },
  responses: { 200: { description: 'The asset', schema: assetAnswer }, 404: missing },
  handler: async (c) => {
    const { name } = c.req.valid('query')
    const row = await assetByName(c.env.DB, name)
    if (!row) return c.json(notFoundBody(`Asset with name ${name} not found`), 404)
    return c.json(assetOf(row), 200)
  },
})

const byUri = defineRoute({
  method: 'get',
  path: '/by-uri',
  summary: 'An active asset, by URI',
  operationId: 'get_asset_by_uri',
  tags: ['Assets'],
  validate: { query: byUriQuery },
  responses: { 200: { description: 'The asset', schema: assetAnswer }, 404: missing },
  handler: async (c) => {
    const { uri } = c.req.valid('query')
    const row = await assetByUri(c.env.DB, uri)
    if (!row) return c.json(notFoundBody(`Asset with URI ${uri} not found`), 404)
    return c.json(assetOf(row), 200)
  },
})

const byAlias = defineRoute({
  method: 'get',
  path: '/by-alias',
  summary: 'The assets an alias resolved to',
  description: 'An empty list for an alias that resolved to none, or is unknown.',
  operationId: 'get_assets_by_alias',
  tags: ['Assets'],
  validate: { query: byAliasQuery },
  responses: { 200: { description: 'The assets', schema: z.array(assetAnswer) } },
  handler: async (c) => {
    const rows = await assetsByAlias(c.env.DB, c.req.valid('query').alias_name)
    return c.json(rows.map(assetOf), 200)
  },
})

export const assets = defineGroup({ path: '/assets', routes: [byName, byUri, byAlias] })

const eventsByAsset = defineRoute({
  method: 'get',
  path: '/by-asset',
  summary: 'Events of an asset, by name and/or URI',
  operationId: 'get_asset_event_by_asset_name_uri',
  tags: ['Asset Events'],
  validate: { query: eventsByAssetQuery },
  responses: {
    200: { description: 'The events', schema: assetEvents },
    400: {
      description: 'Neither name nor URI',
      schema: z.object({ detail: z.object({ reason: z.string(), message: z.string() }) }),
    },
  },
  handler: async (c) => {
    const { name, uri, ...filters } = c.req.valid('query')
    if (!name && !uri) {
      const detail = { reason: 'Missing parameter', message: 'name and uri cannot both be None' }
      return c.json({ detail }, 400)
    }
    // The SDK sends the one it lacks as an empty value (`?name=&uri=…`): absent, as in Airflow.
    const of = { name: name || undefined, uri: uri || undefined }
    const events = await findAssetEvents(c.env.DB, of, filters)
    return c.json({ asset_events: events.map(eventOf) }, 200)
  },
})

const eventsByAlias = defineRoute({
  method: 'get',
  path: '/by-asset-alias',
  summary: 'Events emitted through an asset alias',
  operationId: 'get_asset_event_by_asset_alias',
  tags: ['Asset Events'],
  validate: { query: eventsByAliasQuery },
  responses: { 200: { description: 'The events', schema: assetEvents } },
  handler: async (c) => {
    const { name, ...filters } = c.req.valid('query')
    const events = await findAssetEvents(c.env.DB, { alias: name }, filters)
    return c.json({ asset_events: events.map(eventOf) }, 200)
  },
})

export const assetEventRoutes = defineGroup({
  path: '/asset-events',
  routes: [eventsByAsset, eventsByAlias],
})
