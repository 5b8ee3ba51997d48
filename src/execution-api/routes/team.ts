import type { Context } from 'hono'
import type { TaskInstanceProfile } from '../../airflow'
import { currentToken, type RouteEnv } from '../../index'
import { teamOf } from '../store/task-instances'
import type { AppEnv } from './builders'

/**
 * The team whose connections and variables the caller may read (the reference's
 * `get_team_name_dep`). Without multi-team mode it answers `null` without touching D1: no
 * statement runs, so single-team deployments pay nothing for the feature.
 */
export const teamFinder =
  (multiTeam: boolean) =>
  (c: Context<RouteEnv<AppEnv, TaskInstanceProfile>>): Promise<string | null> =>
    multiTeam ? teamOf(c.env.DB, currentToken(c).sub.toLowerCase()) : Promise.resolve(null)
