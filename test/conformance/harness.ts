// The smallest test harness that serves the conformance suite: named cases, run in order against
// one server, each with a time limit; a failure is reported and the next case still runs.

/** What every case gets: where the server is, and how to make tokens and find task instances. */
export interface Context {
  baseUrl: string
  /** Signs a token with the server's key; `claims` override the valid defaults (`undefined` drops one). */
  mint: (claims?: Record<string, unknown>, options?: MintOptions) => Promise<string>
  /** A task instance id seeded as `queued`, different on every call. */
  queued: () => string
  /** A task instance id seeded in `state`. */
  seeded: (state: 'success' | 'restarting') => string
}

export interface MintOptions {
  /** Sign with another key (a wrong signature) or a symmetric secret (a disallowed alg). */
  key?: 'other' | 'hs256'
  /** Header fields over the default `{ alg, kid, typ }`. */
  header?: Record<string, unknown>
}

type Case = { name: string; fn: (ctx: Context) => Promise<void> }

const cases: Case[] = []

/** Declares a case of the suite. */
export const test = (name: string, fn: (ctx: Context) => Promise<void>) => {
  cases.push({ name, fn })
}

export interface Outcome {
  passed: number
  failed: number
  failures: string[]
}

/** Runs `fn`, failing it when it takes longer than `ms`. */
const withLimit = async (fn: () => Promise<void>, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
  })
  try {
    await Promise.race([fn(), late])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs every declared case against `ctx`; prints one line per failure. */
export const runCases = async (ctx: Context, label: string, timeoutMs = 10_000) => {
  const outcome: Outcome = { passed: 0, failed: 0, failures: [] }
  for (const { name, fn } of cases) {
    try {
      await withLimit(() => fn(ctx), timeoutMs)
      outcome.passed++
    } catch (error) {
      outcome.failed++
      const message = error instanceof Error ? error.message : String(error)
      outcome.failures.push(name)
      console.log(`  ✗ ${label} › ${name}\n    ${message.split('\n').join('\n    ')}`)
    }
  }
  return outcome
}

/** How many cases the suite declares. */
export const caseCount = () => cases.length
