// Vite's `?raw` imports (the README and its example, read as text by test/readme.test.ts).
declare module '*?raw' {
  const content: string
  export default content
}

// Node and Vite give modules `import.meta.url`; the Workers types used to check vitest.config.ts lack it.
interface ImportMeta {
  readonly url: string
}
