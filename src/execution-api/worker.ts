import { createApp, type ExecutionApp } from './app'
import type { ExecutionBindings } from './config'

type Built = { app: ExecutionApp } | { refused: string }

// One app per isolate and set of bindings: keys are imported and the table compiled once, then
// reused by every request. Keyed by the env object, which the runtime keeps for the isolate's life.
const built = new WeakMap<ExecutionBindings, Built>()

/** The app for these bindings, built on first use; a misconfiguration is logged once and kept. */
export const appFor = (env: ExecutionBindings): Built => {
  let entry = built.get(env)
  if (!entry) {
    try {
      entry = { app: createApp(env) }
    } catch (error) {
      // Refuse to serve rather than run with a weak or broken key; the log says which binding.
      const refused = error instanceof Error ? error.message : String(error)
      console.error(`execution-api: refusing to start: ${refused}`)
      entry = { refused }
    }
    built.set(env, entry)
  }
  return entry
}

export default {
  fetch(request, env, ctx) {
    const entry = appFor(env)
    if ('app' in entry) return entry.app.fetch(request, env, ctx)
    return Response.json({ detail: 'Service misconfigured' }, { status: 500 })
  },
} satisfies ExportedHandler<ExecutionBindings>
