// The bench Worker. `GET /loop?alg=EdDSA` times every scenario in a loop inside the isolate (local
// workerd advances its clock during a request, unlike production) and answers the markdown report;
// `GET /one/<alg>/<scenario-slug>` runs one scenario once, for a load generator.
import { median, report, spreadOf, type Timings } from './report'
import { algorithms, type BenchAlg, type Scenario, scenariosFor } from './scenarios'

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

// Keys and apps built once per isolate, as a real Worker does.
const built = new Map<string, Promise<Map<string, Scenario>>>()
const scenarios = (alg: BenchAlg) => {
  let entry = built.get(alg)
  if (!entry) {
    entry = scenariosFor(alg).then((list) => new Map(list.map((s) => [slug(s.name), s])))
    built.set(alg, entry)
  }
  return entry
}

/** Mean time per op over `ms` of one scenario, in nanoseconds, after a short warm-up. */
const time = async (run: () => unknown, ms: number) => {
  for (let i = 0; i < 50; i++) await run()
  let count = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < 20; i++) await run()
    count += 20
    elapsed = performance.now() - start
  }
  return (elapsed / count) * 1e6
}

const loop = async (alg: BenchAlg, ms: number, rounds: number) => {
  const list = [...(await scenarios(alg)).values()]
  const samples: Record<string, number[]> = {}
  for (let round = 0; round < rounds; round++) {
    for (const { name, run } of list)
      samples[name] = [...(samples[name] ?? []), await time(run, ms)]
  }
  const timings: Timings = {}
  const spread: Timings = {}
  for (const [name, values] of Object.entries(samples)) {
    timings[name] = median(values)
    spread[name] = spreadOf(values)
  }
  return report('workerd', alg, timings, spread, true)
}

const isAlg = (value: string | null | undefined): value is BenchAlg =>
  (algorithms as readonly (string | null | undefined)[]).includes(value)

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const [, action, alg, name] = url.pathname.split('/')
    if (action === 'loop') {
      const which = url.searchParams.get('alg')
      if (!isAlg(which)) return new Response('alg?', { status: 400 })
      const ms = Number(url.searchParams.get('ms') ?? 150)
      const rounds = Number(url.searchParams.get('rounds') ?? 5)
      return new Response(await loop(which, ms, rounds))
    }
    if (action === 'one' && isAlg(alg)) {
      const scenario = (await scenarios(alg)).get(name ?? '')
      if (!scenario) return new Response('scenario?', { status: 404 })
      const result = await scenario.run()
      return new Response(null, { status: result instanceof Response ? result.status : 200 })
    }
    if (action === 'list') {
      return Response.json([...(await scenarios('EdDSA')).keys()])
    }
    return new Response('GET /loop?alg=EdDSA | /one/<alg>/<scenario> | /list', { status: 404 })
  },
}
