// The library as the loopback tests load it in Node: src/index.ts bundled by esbuild for a neutral
// platform (the same source and Web APIs that workerd runs), imported from memory.
import { build } from 'esbuild'

const { outputFiles } = await build({
  entryPoints: [new URL('../../src/index.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  write: false,
  logLevel: 'error',
})

export const lib = await import(
  `data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`
)
