// The library as the loopback tests load it in Node: its entries (src/index.ts, airflow.ts,
// remote.ts, dpop.ts, issuers.ts) bundled by esbuild for a neutral platform (the same source and
// Web APIs that workerd runs), imported from memory.
import { build } from 'esbuild'

const { outputFiles } = await build({
  stdin: {
    contents: ['index', 'airflow', 'remote', 'dpop', 'issuers']
      .map((entry) => `export * from './${entry}.ts'\n`)
      .join(''),
    resolveDir: new URL('../../src', import.meta.url).pathname,
    loader: 'ts',
  },
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
