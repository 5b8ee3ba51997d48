// The library as the several-issuers test loads it in Node: the root entry with the entries it
// composes (`hono-scoped-jwt/issuers`, `hono-scoped-jwt/remote`) bundled by esbuild into ONE module,
// so that the errors `trustedIssuers` and `discoveredKeys` throw are the classes `jwtAuth` answers.
import { build } from 'esbuild'

const entries = ['index', 'issuers', 'remote']
const { outputFiles } = await build({
  stdin: {
    contents: entries.map((entry) => `export * from './${entry}.ts'\n`).join(''),
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
