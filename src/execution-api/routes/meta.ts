import * as z from 'zod'
import type { TaskInstanceProfile } from '../../airflow'
import type { Issuer } from '../../mint'
import type { OpenApiDocument } from '../../openapi'
import { defineRoute } from './builders'

// Routes that need no token and never read the Authorization header.

const health = defineRoute({
  method: 'get',
  path: '/health',
  public: true,
  summary: 'Liveness',
  operationId: 'health',
  tags: ['Meta'],
  responses: {
    200: { description: 'Healthy', schema: z.object({ status: z.literal('healthy') }) },
  },
  handler: (c) => c.json({ status: 'healthy' as const }, 200),
})

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) })

/** The public keys of the signing key (none for a shared secret). */
const jwks = (issuer: Issuer<TaskInstanceProfile> | undefined) =>
  defineRoute({
    method: 'get',
    path: '/.well-known/jwks.json',
    public: true,
    summary: 'Public keys that verify the tokens this service mints',
    operationId: 'jwks',
    tags: ['Meta'],
    responses: { 200: { description: 'JWK set', schema: jwksSchema } },
    handler: async (c) => c.json(issuer ? await issuer.jwks() : { keys: [] }, 200),
  })

/** The OpenAPI document; `document()` is read per request because the table is built after it. */
const openApi = (document: () => OpenApiDocument) =>
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    public: true,
    summary: 'This document',
    operationId: 'openapi',
    tags: ['Meta'],
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
    handler: (c) => c.json(document(), 200),
  })

export const metaRoutes = (
  issuer: Issuer<TaskInstanceProfile> | undefined,
  document: () => OpenApiDocument,
) => [health, jwks(issuer), openApi(document)] as const
