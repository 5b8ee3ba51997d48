#!/usr/bin/env node
// The package's command: `npx hono-scoped-jwt key [--alg EdDSA|ES256|RS256|PS256] [--secret]`.
// Prints the next signing key to stdout and writes no file: one JSON line
// {"private": JWK, "public": JWK} (the private half for JWT_PRIVATE_JWK, the public half for
// JWT_PUBLIC_JWKS), or with --secret a new JWT_SECRET (64 random bytes, base64url, no newline).
// WebCrypto only: it runs from the installed package with nothing else (no jose, no dev tools).

// The few Node globals used here; the library's tsconfig has no Node types, on purpose.
declare const process: {
  argv: string[]
  stdout: { write(text: string): void }
  stderr: { write(text: string): void }
  exitCode?: number
}

const usage = `Usage: hono-scoped-jwt key [--alg EdDSA|ES256|RS256|PS256] [--secret]

  key               print a new signing key pair as one JSON line {"private": JWK, "public": JWK}
    --alg ALG       EdDSA (Ed25519, the default), ES256 (P-256), RS256 or PS256 (RSA 2048)
    --secret        print a 64-byte shared secret instead (base64url, for JWT_SECRET / HS512)
  -h, --help        print this help
`

// The algorithms a signing JWK may use, with their WebCrypto key generation parameters.
const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
const keyTypes: Readonly<Record<string, () => { name: string }>> = {
  EdDSA: () => ({ name: 'Ed25519' }),
  ES256: () => ({ name: 'ECDSA', namedCurve: 'P-256' }),
  RS256: () => ({ name: 'RSASSA-PKCS1-v1_5', ...rsa }),
  PS256: () => ({ name: 'RSA-PSS', ...rsa }),
}

class UsageError extends Error {}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

// The key members of an exported JWK, without WebCrypto's `ext`, `key_ops` and `alg` spellings.
const keyMembers = new Set(['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'])
const exportJwk = async (key: CryptoKey) => {
  const jwk = (await crypto.subtle.exportKey('jwk', key)) as object
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => keyMembers.has(name)))
}

const keyPair = async (alg: string) => {
  const params = keyTypes[alg]
  if (!params) throw new UsageError(`--alg must be one of ${Object.keys(keyTypes).join(', ')}`)
  const { privateKey, publicKey } = (await crypto.subtle.generateKey(params(), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  // A kid that says when the key was made: operators tell keys apart in the published set.
  const kid = `${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`
  return {
    private: { ...(await exportJwk(privateKey)), kid, alg },
    public: { ...(await exportJwk(publicKey)), kid, alg, use: 'sig' },
  }
}

// Options of `key`, strictly: an unknown one is an error, never ignored.
const parseKeyArgs = (args: readonly string[]) => {
  const options = { alg: 'EdDSA', secret: false, help: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--secret') options.secret = true
    else if (arg === '-h' || arg === '--help') options.help = true
    else if (arg === '--alg' && i + 1 < args.length) options.alg = args[++i] as string
    else if (arg.startsWith('--alg=')) options.alg = arg.slice('--alg='.length)
    else throw new UsageError(`unknown option "${arg}"`)
  }
  return options
}

const main = async (args: readonly string[]) => {
  const [command, ...rest] = args
  if (command === undefined || command === '-h' || command === '--help') {
    process.stdout.write(usage)
    if (command === undefined) process.exitCode = 2
    return
  }
  if (command !== 'key') throw new UsageError(`unknown command "${command}"`)
  const options = parseKeyArgs(rest)
  if (options.help) return process.stdout.write(usage)
  if (options.secret) {
    return process.stdout.write(base64url(crypto.getRandomValues(new Uint8Array(64))))
  }
  process.stdout.write(`${JSON.stringify(await keyPair(options.alg))}\n`)
}

// A module (top-level await), exporting nothing.
export {}

try {
  await main(process.argv.slice(2))
} catch (error) {
  const usageError = error instanceof UsageError
  process.stderr.write(
    `hono-scoped-jwt: ${(error as Error).message}${usageError ? ' (--help lists the options)' : ''}\n`,
  )
  process.exitCode = usageError ? 2 : 1
}
