// Placeholder Worker entry so wrangler and the workers test project have a `main` to load.
// To be replaced by the Execution API app (Hono) composed from the library.
export default {
  fetch(): Response {
    return new Response('placeholder')
  },
}
