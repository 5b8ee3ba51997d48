// `hono-scoped-jwt/zod`: glue for routes validated by `@hono/zod-validator` outside a route
// table, so they answer as the table does. Types only from zod. Re-exports only.
export { type ValidationIssue, validationIssues } from './auth/table/validation'
export { validationFailed } from './auth/table/zod-hook'
