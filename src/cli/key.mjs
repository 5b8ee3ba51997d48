// npm run key [-- --alg EdDSA|ES256|RS256|PS256] [--secret]
// The package's own command (`npx hono-scoped-jwt key`, src/bin/hono-scoped-jwt.ts), run from
// source: one implementation for the repository and the installed package. Where the output goes
// is the caller's choice: README "Rotating keys" keeps it outside the repository until the switch.
process.argv.splice(2, 0, 'key')
await import('../bin/hono-scoped-jwt.ts')
