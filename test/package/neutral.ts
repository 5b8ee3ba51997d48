import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'

// The library must run on any runtime with Web APIs: no Node built-in (with or without `node:`),
// no runtime-specific module (`bun:`, `cloudflare:`, `deno:`…) and no runtime-specific global
// (`process`, `Buffer`, `Deno`, `Bun`, …) anywhere in what the entry points' sources (`src/index.ts`,
// `src/mint.ts`, …, `src/client/`) import. This walks that import graph in the sources; a
// dependency outside the package's own dependencies is refused too.

const builtins = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0] as string]))
const runtimeSchemes = /^(node|bun|cloudflare|deno|workerd|npm|jsr):/
const runtimeGlobals = [
  'process',
  'Buffer',
  'Deno',
  'Bun',
  'require',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
  'EdgeRuntime',
  'WebSocketPair',
  'HTMLRewriter',
]

/** Source text with comments, strings and template literals blanked (positions kept). */
const codeOnly = (source: string) =>
  source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`/g,
    (match) => match.replace(/[^\n]/g, ' '),
  )

const specifiers = (source: string) =>
  [
    ...source.matchAll(
      /(?:^|[^.\w$])(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?['"]([^'"]+)['"]/g,
    ),
    ...source.matchAll(/(?:^|[^.\w$])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string)

/** Problems found in one file's text; `packages` are the bare imports allowed. */
export const problemsIn = (source: string, packages: ReadonlySet<string>): string[] => {
  const problems: string[] = []
  for (const specifier of specifiers(source)) {
    if (specifier.startsWith('.')) continue
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] as string)
    if (runtimeSchemes.test(specifier) || builtins.has(specifier) || builtins.has(name)) {
      problems.push(`imports the runtime module "${specifier}"`)
    } else if (!packages.has(name)) {
      problems.push(`imports "${specifier}", not a dependency of the package`)
    }
  }
  const code = codeOnly(source)
  for (const name of runtimeGlobals) {
    // A use of the global itself: not a property (`x.process`), a key (`process:`), or a binding of
    // the same name declared in the file (`const process`, a parameter `(process)` is rare enough).
    const use = new RegExp(`(?<![.\\w$])${name}(?![\\w$])(?!\\s*:(?!:))`, 'g')
    const declared = new RegExp(`(?:const|let|var|function|class|import)\\s+[^;=]*\\b${name}\\b`)
    if (use.test(code) && !declared.test(code)) problems.push(`uses the runtime global "${name}"`)
  }
  if (/(?<![.\w$])module\.exports\b|(?<![.\w$])exports\.[\w$]+\s*=/.test(code)) {
    problems.push('uses CommonJS exports')
  }
  if (/globalThis\s*(?:\.|\[\s*['"`])\s*(process|Buffer|Deno|Bun)\b/.test(source)) {
    problems.push('reaches a runtime global through globalThis')
  }
  if (/\/\/\/\s*<reference\s+(types|lib)=["'](node|bun|deno)/.test(source)) {
    problems.push('references runtime types')
  }
  return problems
}

const resolveLocal = (from: string, specifier: string) => {
  const base = join(dirname(from), specifier)
  // Sources import extensionless (`./keys`); the build's files name theirs (`./chunks/x.js`).
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (/\.[jt]s$/.test(candidate) && existsSync(candidate)) return candidate
  }
  throw new Error(`${from}: cannot resolve "${specifier}"`)
}

/** Walks the import graph from `entries`; answers every file seen and the problems found. */
export const checkGraph = (root: string, entries: string[], packages: ReadonlySet<string>) => {
  const seen = new Set<string>()
  const problems: string[] = []
  const queue = entries.map((entry) => join(root, entry))
  while (queue.length) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    for (const problem of problemsIn(source, packages)) {
      problems.push(`${relative(root, file)} ${problem}`)
    }
    for (const specifier of specifiers(source)) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier))
    }
  }
  return { files: [...seen].map((file) => relative(root, file)).sort(), problems }
}
