import { routeBuilders } from '../../index'
import type { ExecutionBindings } from '../config'

/** The Worker's environment, as handlers see it. */
export type AppEnv = { Bindings: ExecutionBindings }

/** `defineRoute` and `defineGroup` typed with the Worker's bindings. */
export const { defineRoute, defineGroup } = routeBuilders<AppEnv>()

/** The 404 body of the contract: `{"detail": {"reason": "not_found", "message": …}}`. */
export const notFoundBody = (message: string) => ({
  detail: { reason: 'not_found' as const, message },
})

/**
 * The 403 body of Airflow's variable access refusal (`has_variable_access`, `reason: access_denied`):
 * `{"detail": {"reason": "access_denied", "message": "Task does not have access to variable …"}}`.
 */
export const accessDenied = (key: string) => ({
  detail: {
    reason: 'access_denied' as const,
    message: `Task does not have access to variable ${key}`,
  },
})
