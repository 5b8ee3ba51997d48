// `hono-scoped-jwt/airflow`: Airflow's task instance tokens (the Execution API's profile, its
// audience and realm), route builders typed for them, and their zod schema (built on first call;
// zod is a peer). Re-exports only.
export {
  defaultAudience,
  defaultRealm,
  type TaskInstanceProfile,
  type TIToken,
  type TokenType,
  taskInstanceProfile,
  tokenTypes,
} from './auth/profile/task-instance'
export { tiClaimsSchema } from './auth/profile/task-instance-schema'
export { defineGroup, defineRoute } from './auth/table/task-instance-routes'
