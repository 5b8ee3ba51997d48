import type { Env } from 'hono'
import type { TaskInstanceProfile } from '../profile/task-instance'
import { defineGroup as anyGroup, defineRoute as anyRoute, type RouteBuilders } from './route'

/**
 * `defineRoute` for Airflow's task instance tokens: scopes are checked against
 * `taskInstanceProfile` (`ti:self`, `token:execution`, `token:workload`) and handlers read
 * `c.var.tiToken`. The same function as the root's `defineRoute`, typed for this profile; for an
 * app with bindings take both from `routeBuilders<Env, TaskInstanceProfile>()`.
 *
 * @example
 * defineRoute({ method: 'put', path: '/:task_instance_id/heartbeat', scopes: ['ti:self'], handler })
 */
export const defineRoute: RouteBuilders<Env, TaskInstanceProfile>['defineRoute'] = anyRoute as never

/**
 * `defineGroup` for Airflow's task instance tokens, as `defineRoute` here.
 *
 * @example
 * defineGroup({ path: '/task-instances/:task_instance_id', scopes: ['ti:self'], routes: [run] })
 */
export const defineGroup: RouteBuilders<Env, TaskInstanceProfile>['defineGroup'] = anyGroup as never
