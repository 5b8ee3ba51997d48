// `hono-scoped-jwt/openapi`: the OpenAPI 3.1 document of a route table (zod writes the JSON
// Schemas; zod is a peer). Re-exports only.
export {
  documentedScopes,
  type OpenApiDocument,
  type OpenApiOptions,
  openApiDocument,
} from './auth/table/openapi'
