import * as z from 'zod'
import type { Issuer, OpenApiDocument } from '../../index'
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
const jwks = (issuer: Issuer | undefined) =>
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

/** What the versioned documents answer for a requested version (see api-version.ts). */
export type DocumentFor = (
  asked: string | null | undefined,
) =>
  | { kind: 'document'; date: string; doc: OpenApiDocument }
  | { kind: 'too-old'; date: string }
  | { kind: 'invalid'; input: string }

const versionQuery = z.object({
  version: z.string().optional().meta({
    description: 'The version whose document to answer; overrides `Airflow-API-Version`.',
  }),
})

/** The OpenAPI document of the version asked for by `?version=` or the header (newest without). */
const openApi = (documentFor: DocumentFor) =>
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    public: true,
    summary: 'This document, for one Execution API version',
    operationId: 'openapi',
    tags: ['Meta'],
    validate: { query: versionQuery },
    responses: {
      200: { description: 'OpenAPI 3.1 document' },
      404: { description: 'A version before the first one served' },
    },
    handler: (c) => {
      const { version } = c.req.valid('query')
      const found = documentFor(version ?? c.req.header('airflow-api-version'))
      if (found.kind === 'document') return c.json(found.doc as unknown as object, 200)
      if (found.kind === 'too-old') return c.json({ detail: 'Not Found' }, 404)
      const issue = {
        type: 'date_from_datetime_parsing',
        loc: ['query', 'version'],
        msg: 'Input should be a valid date in the format YYYY-MM-DD',
        input: found.input,
      }
      return c.json({ detail: [issue] }, 422)
    },
  })

export const metaRoutes = (issuer: Issuer | undefined, documentFor: DocumentFor) =>
  [health, jwks(issuer), openApi(documentFor)] as const
