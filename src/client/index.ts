import type { Hono } from 'hono'
import { hc } from 'hono/client'
import { refreshedTokenHeader } from '../auth/mint/refresh'

/** How a task runner's client is set up. */
export interface TaskClientOptions {
  /** The token to start with: the workload token of a queued task, or an execution token. */
  token: string
  /** `fetch` to send requests with. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Extra headers on every request. Default: none. */
  headers?: Record<string, string>
  /** Told each time the server hands over a new token (to persist it, or log it). Default: none. */
  onToken?: (token: string) => void
}

// Any app, whatever its bindings and variables (a `Hono<MyEnv>` is not a `Hono<BlankEnv>`).
// biome-ignore lint/suspicious/noExplicitAny: the app's env and schema are the caller's
type AnyHono = Hono<any, any, any>

/** A typed `hono/client` for an app, and the token it currently sends. */
export interface TaskClient<App extends AnyHono> {
  /** The `hc` client: `client.api.execution['task-instances'][':task_instance_id'].run.$patch(…)`. */
  readonly api: ReturnType<typeof hc<App>>
  /** The token sent with the next request. */
  readonly token: string
}

/**
 * A client for task runners, typed by the app, that sends its bearer token and swaps in the one a
 * response hands over in `Refreshed-API-Token` (the `/run` exchange of a workload token, or a
 * near-expiry refresh), as Airflow's Task SDK does. Web APIs only: any runtime.
 *
 * @example
 * const client = createTaskClient<ExecutionApp>('http://127.0.0.1:8787', { token: workloadToken })
 * await client.api.execution['task-instances'][':task_instance_id'].run.$patch({ param, json })
 */
export const createTaskClient = <App extends AnyHono>(
  baseUrl: string,
  options: TaskClientOptions,
): TaskClient<App> => {
  if (!options.token) throw new TypeError('"token" is required')
  let token = options.token
  const send = options.fetch ?? fetch
  const origin = new URL(baseUrl).origin
  // A token handed over by a redirect, or by whatever origin a redirect led to, is not the API's.
  const fromApi = (response: Response) =>
    (response.status < 300 || response.status > 399) &&
    (!response.url || new URL(response.url).origin === origin)
  const swapping: typeof fetch = async (input, init) => {
    // The bearer token goes to the API only: a redirect is answered to the caller, not followed.
    const response = await send(input, { ...init, redirect: init?.redirect ?? 'manual' })
    const fresh = fromApi(response) ? response.headers.get(refreshedTokenHeader) : null
    if (fresh && fresh !== token) {
      token = fresh
      options.onToken?.(fresh)
    }
    return response
  }
  const api = hc<App>(baseUrl, {
    fetch: swapping,
    // A function, so every request reads the token current at the time it is sent.
    headers: () => ({ ...options.headers, authorization: `Bearer ${token}` }),
  })
  return {
    api,
    get token() {
      return token
    },
  }
}
