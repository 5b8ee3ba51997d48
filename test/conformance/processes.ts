import { type ChildProcess, spawn } from 'node:child_process'

// Child processes that must not outlive the runner: each is started in its own process group
// (a server and whatever it starts, e.g. wrangler's workerd) and killed as a group, at the end of
// its use or, whatever happens, when the runner exits.

const live = new Set<ChildProcess>()

const killGroup = (child: ChildProcess, signal: NodeJS.Signals, evenIfExited = false) => {
  if (child.pid === undefined) return
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL', true)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130))
}

export interface Spawned {
  child: ChildProcess
  /** Everything it printed so far (both streams), for diagnostics. */
  log: () => string
  /** Resolves with the first match of `pattern` in its output; rejects on exit or after `ms`. */
  waitFor: (pattern: RegExp, ms: number) => Promise<RegExpMatchArray>
  /** SIGTERM to the group, SIGKILL after 5 s; resolves once it has exited. */
  stop: () => Promise<void>
}

export const start = (
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Spawned => {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  let output = ''
  const listeners = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    for (const listener of listeners) listener()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)

  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern)
        if (match) done(() => resolve(match))
      }
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} in ${ms} ms`))), ms)
      const onExit = () => done(() => reject(new Error(`${cmd} exited before printing ${pattern}`)))
      const done = (settle: () => void) => {
        clearTimeout(timer)
        listeners.delete(check)
        child.off('exit', onExit)
        settle()
      }
      listeners.add(check)
      child.once('exit', onExit)
      check()
    })

  const stop = async () => {
    killGroup(child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    // The group may hold grandchildren after its leader exits.
    killGroup(child, 'SIGKILL', true)
    live.delete(child)
  }
  return { child, log: () => output, waitFor, stop }
}

/** Runs a command to completion (bounded by `ms`); rejects with its output when it fails. */
export const runToEnd = async (
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  ms = 60_000,
) => {
  const spawned = start(cmd, args, env, cwd)
  const timer = setTimeout(() => void spawned.stop(), ms)
  const code = await new Promise<number | null>((resolve) => {
    spawned.child.once('exit', (c) => resolve(c))
    spawned.child.once('error', () => resolve(null))
  })
  clearTimeout(timer)
  await spawned.stop()
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${spawned.log()}`)
  return spawned.log()
}
