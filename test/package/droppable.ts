// The package is built as entries and shared chunks (scripts/build.mjs): a bundler that takes a
// chunk for one export keeps every top-level statement of it that it cannot prove harmless (a
// call, `new`, a property read, BigInt arithmetic), used or not. So no library module may do work
// at module level: tables are literals or marked `/* @__PURE__ */`, and globals are read in
// functions. Checked on the sources: each module bundled alone from a copy without
// `sideEffects`, and what the bundler still keeps of its own code listed.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

const declaration = /^(var|let|const|class|function|async|[\w$.]+\()/

/** What a bundler keeps of `contents` (a module's source) when nothing uses it. */
export const keptOf = async (dir: string, file: string): Promise<string[]> => {
  const result = await build({
    absWorkingDir: dir,
    stdin: { contents: `import './${file}'`, resolveDir: dir },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
    .split(`// ${file}\n`)
    .slice(1)
    .map((part) => part.split(/^\/\/ /m)[0])
    .join('')
    .split('\n')
    .filter((line) => declaration.test(line))
    .map((line) => line.slice(0, 80))
}

/** Every library module's kept statements (`files` relative to the repository), by file. */
export const keptStatements = async (root: string, files: readonly string[]) => {
  const copy = mkdtempSync(join(tmpdir(), 'hsj-droppable-'))
  try {
    cpSync(join(root, 'src'), join(copy, 'src'), { recursive: true })
    writeFileSync(join(copy, 'package.json'), '{"type":"module"}')
    const kept: Record<string, string[]> = {}
    for (const file of files) {
      const statements = await keptOf(copy, file)
      if (statements.length) kept[file] = statements
    }
    // The check itself: a module that does work at import is caught.
    writeFileSync(join(copy, 'src', 'probe.ts'), 'export const encoder = new TextEncoder()\n')
    const probe = await keptOf(copy, 'src/probe.ts')
    return { kept, probeCaught: probe.length > 0 }
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}
