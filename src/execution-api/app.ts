import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { TrieRouter } from 'hono/router/trie-router'
// The library by its entry points, as a user's Worker imports it (`hono-scoped-jwt`, `…/mint`,
// `…/openapi`): the repository checks that these entries suffice for the reference Worker.
import { type TaskInstanceProfile, taskInstanceProfile } from '../airflow'
import { type JwtAuth, jwtAuth, KeysUnavailableError, type RouteNode, routeTable } from '../index'
import { createIssuer } from '../mint'
import { type OpenApiDocument, openApiDocument } from '../openapi'
import { newestApiVersion, versionEngine, versionedDocuments, withVersioning } from './api-version'
import { type ExecutionBindings, loadConfig } from './config'
import { mountDocs } from './docs'
import { callbacks, connectionTests } from './routes/absent'
import { assetStateStore } from './routes/asset-state-store'
import { assetEventRoutes, assets } from './routes/assets'
import { type AppEnv, defineGroup } from './routes/builders'
import { dagRuns } from './routes/dag-runs'
import { dags } from './routes/dags'
import { hitlDetails } from './routes/hitl'
import { metaRoutes } from './routes/meta'
import { resourceRoutes } from './routes/resources'
import { taskInstanceQueries, taskReschedules } from './routes/task-instance-queries'
import { taskInstances } from './routes/task-instances'
import { taskStateStore } from './routes/task-state-store'
import { xcoms } from './routes/xcoms'

const realm = 'execution-api'

/**
 * Stands in for token verification when no key is configured: every authenticated route answers
 * 503 and says in the log which binding is missing. The header is never read, so nothing runs open.
 */
const keysMissing = (why: string): JwtAuth<TaskInstanceProfile> => {
  const authenticate = async (): Promise<never> => {
    console.error(`execution-api: ${why}`)
    throw new KeysUnavailableError(realm)
  }
  return Object.assign(
    async () => {
      await authenticate()
    },
    { authenticate, realm, profile: taskInstanceProfile },
  )
}

/**
 * The table without exchange, for a Worker that holds no signing key (`JWKS_URL` alone, or no key):
 * nothing can be minted, so `/run` takes execution tokens only and refuses a workload token with
 * 403 before any state changes, rather than starting the task and handing back no token.
 */
const withoutExchange = <N extends RouteNode>(node: N): N =>
  (node.kind === 'group'
    ? { ...node, routes: node.routes.map(withoutExchange) }
    : node.exchange
      ? { ...node, exchange: false, scopes: node.scopes.filter((s) => s !== 'token:workload') }
      : node) as N

/**
 * The Execution API for one set of bindings: configuration is read, keys are set up and the route
 * table is built here, once; requests only run handlers. Throws `ConfigError` on bindings the
 * Worker must not start with.
 */
export const createApp = (env: ExecutionBindings) => {
  const config = loadConfig(env)
  const issuer = config.issuer && createIssuer(config.issuer)
  const auth = config.verify
    ? jwtAuth({ ...config.verify, realm })
    : keysMissing(config.missingKey as string)

  let document: OpenApiDocument | undefined
  const root = defineGroup({
    path: '/execution',
    routes: [
      ...metaRoutes(
        issuer,
        versionedDocuments(() => documentOf(), '/execution'),
      ),
      taskInstances,
      taskInstanceQueries,
      taskReschedules,
      ...resourceRoutes(config.multiTeam),
      xcoms,
      dagRuns,
      dags,
      assets,
      assetEventRoutes,
      taskStateStore,
      assetStateStore,
      hitlDetails,
      connectionTests,
      callbacks,
    ],
  })
  const table = routeTable(issuer ? root : withoutExchange(root), { auth, issuer })
  // Built on first read (GET /openapi.json): a cold start that answers a task runner does not pay
  // for turning every schema into JSON Schema (the largest part of createApp in a CPU profile).
  const documentOf = (): OpenApiDocument => {
    if (document) return document
    const versions = `${versionEngine().dates.at(-1)} to ${newestApiVersion()}`
    document = openApiDocument(table.routes, {
      title: 'Airflow Execution API (hono-scoped-jwt)',
      version: newestApiVersion(),
      description:
        'The API task runners call back while a task runs: every Airflow Execution API version ' +
        `from ${versions}, picked by the \`Airflow-API-Version\` header as Airflow does (absent: the ` +
        'newest; a later date: the newest not after it) and echoed on every answer. This document ' +
        'describes one version: `?version=` or the header picks it. Interactive page: `/execution/docs`.',
      servers: [{ url: '/', description: 'This Worker' }],
    })
    // Redocly's recommended rules ask for a licence: the project's.
    Object.assign(document.info, {
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    })
    return document
  }

  // Hono's default router tries RegExpRouter first, which refuses this table (a static path beside
  // a parameter at one level, e.g. `/task-instances/count`) and falls back to TrieRouter on the
  // first request, after building both: naming TrieRouter skips the wasted build on a cold start.
  const base = new Hono<AppEnv>({ router: new TrieRouter() })
  mountDocs(base, '/execution')
  const app = table.mount(base)
  app.notFound((c) => c.json({ detail: 'Not Found' }, 404))
  app.onError((error, c) => {
    // Auth errors render themselves (RFC 6750); the table already answers bad bodies with 422.
    if (error instanceof HTTPException) return error.getResponse()
    console.error('execution-api: unhandled error', error)
    return c.json({ detail: 'Internal Server Error' }, 500)
  })
  const extras = {
    table,
    get document(): OpenApiDocument {
      return documentOf()
    },
  }
  const versioned = withVersioning(app, '/execution')
  // Descriptors, not `Object.assign`, which would read the getter and build the document now.
  return Object.defineProperties(
    versioned,
    Object.getOwnPropertyDescriptors(extras),
  ) as typeof versioned & typeof extras
}

/** The Execution API app, typed: what `hono/client` and `createTaskClient` take. */
export type ExecutionApp = ReturnType<typeof createApp>
