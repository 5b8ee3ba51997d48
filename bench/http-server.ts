// One server of the HTTP benchmark (bench/http.mjs), on Node, on a free loopback port: Hono with
// this library, Fastify with @fastify/jwt, or Express with express-oauth2-jwt-bearer, each
// configured the fastest way its docs allow (keys imported once), with the same route, audience
// and issuer. Prints `listening <port>` once it accepts connections.
//   node bench/.bench-out/http-server.mjs <kind> <config.json>
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import fastifyJwt from '@fastify/jwt'
import { serve } from '@hono/node-server'
import { auth } from 'express-oauth2-jwt-bearer'
import Fastify from 'fastify'
import { type Env, Hono } from 'hono'
import { type TaskInstanceProfile, taskInstanceProfile } from '../src/airflow'
import {
  type Algorithm,
  jwtAuth,
  localKeys,
  routeBuilders,
  routeTable,
  TokenCache,
} from '../src/index'

export interface HttpBenchConfig {
  alg: Algorithm
  audience: string
  issuer: string
  /** HS256 only. */
  secret?: string
  /** Asymmetric algorithms: the public key as a JWK and as SPKI PEM. */
  publicJwk?: Record<string, unknown>
  publicPem?: string
}

// Express ships no types (and @types/express is not a dependency): the little used here.
interface ExpressApp {
  get(path: string, ...handlers: unknown[]): void
  use(handler: unknown): void
  listen(port: number, host: string, ready: () => void): { address(): unknown }
}
const express = createRequire(import.meta.url)('express') as () => ExpressApp

const [kind, configPath] = process.argv.slice(2) as [string, string]
const config = JSON.parse(readFileSync(configPath, 'utf8')) as HttpBenchConfig
const { alg, audience, issuer } = config
const path = '/execution/task-instances/:task_instance_id/state'
const listening = (port: number) => console.log(`listening ${port}`)

const { defineRoute } = routeBuilders<Env, TaskInstanceProfile>()

const hono = (cache: boolean) => {
  const keys = config.secret
    ? { secret: config.secret }
    : { keys: localKeys([config.publicJwk as never]) }
  const app = new Hono()
  routeTable(
    defineRoute({
      method: 'get',
      path,
      scopes: ['token:execution', 'ti:self'],
      handler: (c) => c.text('ok'),
    }),
    {
      auth: jwtAuth({
        ...keys,
        profile: taskInstanceProfile,
        algorithms: [alg],
        audience,
        issuer,
        cache: cache ? new TokenCache() : undefined,
      }),
    },
  ).mount(app)
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => listening(info.port))
}

const honoBare = () => {
  const app = new Hono()
  app.get(path, (c) => c.text('ok'))
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => listening(info.port))
}

const fastify = async (cache: boolean | undefined) => {
  const app = Fastify({ logger: false })
  if (cache !== undefined) {
    await app.register(fastifyJwt, {
      secret: config.secret ?? { public: config.publicPem as string },
      verify: { algorithms: [alg as never], allowedAud: audience, allowedIss: issuer, cache },
    })
  }
  const onRequest =
    cache === undefined
      ? []
      : [
          async (request: { jwtVerify: () => Promise<unknown> }) => {
            await request.jwtVerify()
          },
        ]
  app.get(path.replace(':task_instance_id', ':taskInstanceId'), { onRequest }, async () => 'ok')
  await app.listen({ port: 0, host: '127.0.0.1' })
  listening((app.server.address() as { port: number }).port)
}

const expressServer = (verify: boolean) => {
  const app = express()
  const keys = config.secret
    ? { secret: config.secret }
    : { publicKey: config.publicJwk as unknown as string }
  const handlers = verify ? [auth({ ...keys, audience, issuer, tokenSigningAlg: alg })] : []
  type Res = { send: (body: string) => void; status: (code: number) => Res }
  app.get(path, ...handlers, (_req: unknown, res: Res) => {
    res.send('ok')
  })
  // Refusals answered quietly (Express's default handler logs each one).
  app.use((error: { status?: number }, _req: unknown, res: Res, _next: unknown) => {
    res.status(error.status ?? 500).send('')
  })
  const server = app.listen(0, '127.0.0.1', () => {
    listening((server.address() as { port: number }).port)
  })
}

const servers: Record<string, () => unknown> = {
  'hono bare': honoBare,
  'hono + ours': () => hono(false),
  'hono + ours, cache': () => hono(true),
  'fastify bare': () => fastify(undefined),
  'fastify + @fastify/jwt': () => fastify(false),
  'fastify + @fastify/jwt, cache': () => fastify(true),
  'express + oauth2-jwt-bearer': () => expressServer(true),
}

const start = servers[kind]
if (!start) throw new Error(`unknown server "${kind}": ${Object.keys(servers).join(', ')}`)
await start()
