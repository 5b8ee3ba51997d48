// The files of the scratch project the tarball is installed into: a minimal app on the published
// package (a route table with a relaxed child route, the verify middleware, the issuer) driven by
// the published client, as one `check()` that each runtime runs and reports as a `RESULT` line.

/** Runs in Node, Bun, Deno and workerd; requests go to `app.request`, no server needed. */
export const checkModule = `import { Hono } from 'hono'
import { jwtAuth, localKeys, routeTable } from 'hono-scoped-jwt'
import { defineGroup, defineRoute, taskInstanceProfile as profile } from 'hono-scoped-jwt/airflow'
import { createIssuer, generateSigningJwk } from 'hono-scoped-jwt/mint'
import { createTaskClient } from 'hono-scoped-jwt/client'

const claimsOf = (token) =>
  JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))

export const check = async () => {
  const results = []
  const expect = (name, ok, detail) => results.push({ name, ok: Boolean(ok), detail: ok ? '' : String(detail) })
  const privateJwk = JSON.stringify(await generateSigningJwk())
  const auth = jwtAuth({ keys: localKeys([privateJwk]), algorithms: ['EdDSA'], profile })
  const issuer = createIssuer({ privateJwk, profile })
  const table = routeTable(
    defineGroup({
      path: '/task-instances/:task_instance_id',
      scopes: ['ti:self'],
      routes: [
        defineRoute({
          method: 'patch',
          path: '/run',
          scopes: ['token:execution', 'token:workload'],
          exchange: true,
          handler: (c) => c.json({ ok: true }),
        }),
        defineRoute({ method: 'put', path: '/heartbeat', handler: (c) => c.body(null, 204) }),
      ],
    }),
    { auth, issuer },
  )
  const app = table.mount(new Hono())
  const local = (input, init) => app.request(input, init)

  const listed = Object.fromEntries(table.list().map((r) => [r.path.split('/').pop(), r.tokenTypes]))
  expect('the table relaxes /run alone', listed.run?.join() === 'execution,workload' && listed.heartbeat?.join() === 'execution', JSON.stringify(listed))

  const id = crypto.randomUUID()
  const path = '/task-instances/' + id
  const missing = await app.request(path + '/heartbeat', { method: 'PUT' })
  expect('no token: 401', missing.status === 401, missing.status)

  const workload = await issuer.mint({ sub: id, scope: 'workload' })
  const strict = await app.request(path + '/heartbeat', { method: 'PUT', headers: { authorization: 'Bearer ' + workload } })
  expect('workload token on a strict route: 403', strict.status === 403, strict.status)

  const client = createTaskClient('http://runner.local', { token: workload, fetch: local })
  const run = await client.api['task-instances'][':task_instance_id'].run.$patch({ param: { task_instance_id: id } })
  expect('workload token on the relaxed route: 200', run.status === 200, run.status)
  expect('the client swapped in the exchanged token', client.token !== workload && claimsOf(client.token).scope === 'execution', client.token)

  const beat = await client.api['task-instances'][':task_instance_id'].heartbeat.$put({ param: { task_instance_id: id } })
  expect('the exchanged token on the strict route: 204', beat.status === 204, beat.status)

  const other = await issuer.mint({ sub: crypto.randomUUID() })
  const foreign = await app.request(path + '/heartbeat', { method: 'PUT', headers: { authorization: 'Bearer ' + other } })
  expect("another task's token: 403", foreign.status === 403, foreign.status)
  return results
}
`

/** The entry for Node, Bun and Deno. */
export const mainModule = `import { check } from './check.mjs'
console.log('RESULT ' + JSON.stringify(await check()))
`

/** The entry for workerd: its \`test\` handler, run by \`workerd test\`. */
export const workerModule = `import { check } from './check.mjs'
export default {
  async test() {
    const results = await check()
    console.log('RESULT ' + JSON.stringify(results))
    if (results.some((r) => !r.ok)) throw new Error('checks failed')
  },
}
`

export const workerdConfig = (
  bundle: string,
  compatibilityDate: string,
) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)]);
const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "${bundle}")],
  compatibilityDate = "${compatibilityDate}",
);
`

/** Type-checked with \`module: nodenext\`: the published .d.ts files resolve as a Node project sees them. */
export const typesModule = `import { Hono } from 'hono'
import { defineGroup, defineRoute, jwtAuth, routeTable } from 'hono-scoped-jwt'
import { createIssuer } from 'hono-scoped-jwt/mint'
import { type TokenType } from 'hono-scoped-jwt/airflow'
import { createTaskClient, type TaskClientOptions } from 'hono-scoped-jwt/client'
import { dpop, type Dpop } from 'hono-scoped-jwt/dpop'
import { trustedIssuers } from 'hono-scoped-jwt/issuers'
import { discoveredKeys, remoteKeys } from 'hono-scoped-jwt/remote'

const types: TokenType[] = ['execution', 'workload']
const options: TaskClientOptions = { token: 'x' }
const issuer = createIssuer({ secret: 'x'.repeat(64) })
const auth = jwtAuth({ secret: 'x'.repeat(64), algorithms: ['HS512'], audience: 'api' })
const route = defineRoute({ method: 'get', path: '/x', handler: (c) => c.json({ ok: true }) })
const app = routeTable(defineGroup({ path: '/api', routes: [route] }), { auth, issuer }).mount(new Hono())
const client = createTaskClient<typeof app>('http://localhost', options)
const mode: Dpop['mode'] = dpop({ mode: 'required' }).mode
const several = jwtAuth({
  algorithms: ['RS256'],
  audience: 'api',
  issuers: trustedIssuers({
    corp: { keys: discoveredKeys('https://corp.example/') },
    ci: { keys: remoteKeys('https://ci.example/jwks'), issuer: 'https://ci.example' },
  }),
})
export const used = [types, client.token, mode, several] as const
`

export const tsconfig = JSON.stringify(
  {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023', 'dom'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    files: ['types.ts'],
  },
  null,
  2,
)

/**
 * The files of the README's "Your own service", each a code block after an
 * `<!-- own-service: PATH -->` marker, verbatim: the scratch project is built from them.
 */
export const ownServiceFiles = (readme: string): Record<string, string> =>
  Object.fromEntries(
    [...readme.matchAll(/<!-- own-service: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  )
