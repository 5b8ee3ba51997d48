// Vite's `?raw` imports (the README and its example, read as text by test/readme.test.ts).
declare module '*?raw' {
  const content: string
  export default content
}
