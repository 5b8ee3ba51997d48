import type { JWK } from 'jose'

/** One Wycheproof JWS case: a compact (or JSON) serialization and what a verifier must say. */
export interface WycheproofTest {
  tcId: number
  comment: string
  jws: string | Record<string, unknown>
  result: 'valid' | 'invalid' | 'acceptable'
  flags: string[]
}

export interface WycheproofGroup {
  type: string
  comment: string
  private: JWK | { keys: JWK[] }
  tests: WycheproofTest[]
}

/** An RFC 7520 / RFC 8037 example: the key, the algorithm and the compact output. */
export interface CookbookExample {
  title: string
  input: { payload: string; key: JWK; alg: string }
  output: { compact: string }
}

export type SharedVectors =
  | { missing: string }
  | {
      wycheproof: { numberOfTests: number; testGroups: WycheproofGroup[] }
      cookbook: Record<string, CookbookExample>
    }

export declare const loadVectors: () => SharedVectors

declare module 'vitest' {
  export interface ProvidedContext {
    sharedVectors: SharedVectors
  }
}
