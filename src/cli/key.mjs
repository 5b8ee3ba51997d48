// npm run key [-- --alg EdDSA|ES256|RS256|PS256] [--secret]
// Prints the next signing key to stdout and writes no file: one JSON line
// {"private": JWK, "public": JWK} (the private half for JWT_PRIVATE_JWK, the public half for
// JWT_PUBLIC_JWKS), or with --secret a new JWT_SECRET (64 random bytes, base64url, no newline).
// Where the output goes is the caller's choice: README "Rotating keys" keeps it outside the
// repository until the switch.
import { parseArgs } from 'node:util'
import { base64url, exportJWK, generateKeyPair } from 'jose'
import { main } from './common.mjs'

// The algorithms a Worker's JWT_PRIVATE_JWK may use (contract §2), with their key parameters.
const keyTypes = {
  EdDSA: { crv: 'Ed25519' },
  ES256: {},
  RS256: { modulusLength: 2048 },
  PS256: { modulusLength: 2048 },
}

main(async () => {
  const { values } = parseArgs({
    options: { alg: { type: 'string', default: 'EdDSA' }, secret: { type: 'boolean' } },
    strict: true,
  })
  if (values.secret) {
    process.stdout.write(base64url.encode(crypto.getRandomValues(new Uint8Array(64))))
    return
  }
  const params = keyTypes[values.alg]
  if (!params) throw new Error(`--alg must be one of ${Object.keys(keyTypes).join(', ')}`)
  const { privateKey, publicKey } = await generateKeyPair(values.alg, {
    extractable: true,
    ...params,
  })
  // A kid that says when the key was made: operators tell keys apart in the published set.
  const kid = `${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`
  const meta = { kid, alg: values.alg }
  const pair = {
    private: { ...(await exportJWK(privateKey)), ...meta },
    public: { ...(await exportJWK(publicKey)), ...meta, use: 'sig' },
  }
  process.stdout.write(`${JSON.stringify(pair)}\n`)
})
