// Key set faults, through an injected fetch and an app: outages, slowness, bad answers, floods of
// unknown kids, rotation. Short durations stand in for the defaults (5 s, 30 s, 24 h).
import { describe, expect, it, vi } from 'vitest'
import { createKeyResolver, type KeyResolver } from '../../src/auth/keys/keys'
import type { RemoteKeySetOptions } from '../../src/auth/keys/remote-keys'
import { remoteKeys } from '../../src/auth/keys/remote-sources'
import type { KeySetEvents } from '../../src/auth/verify/cache'
import { appWith, bearer, claims, ed25519Signer, hs256, type Signer } from './helpers'

type Mode =
  | 'ok'
  | 'down'
  | '500'
  | 'slow'
  | 'redirect'
  | 'html'
  | 'no-keys'
  | 'bad-utf8'
  | 'huge'
  | 'stream'
  | 'body'

/** A key set endpoint whose behaviour a test switches, counting the fetches it receives. */
const endpoint = (signers: Signer[]) => {
  const state = {
    mode: 'ok' as Mode,
    keys: signers.map((s) => s.jwk),
    fetches: 0,
    urls: [] as string[],
    body: '',
  }
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    state.fetches++
    state.urls.push(String(input))
    const json = (body: string, headers: Record<string, string> = {}) =>
      new Response(body, { headers: { 'content-type': 'application/json', ...headers } })
    switch (state.mode) {
      case 'ok':
        return json(JSON.stringify({ keys: state.keys }))
      case 'down':
        throw new TypeError('connection refused')
      case '500':
        return new Response('oops', { status: 500 })
      case 'slow':
        return new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        )
      case 'redirect':
        return new Response(null, { status: 302, headers: { location: 'https://attacker.test/' } })
      case 'html':
        return new Response('<html>maintenance</html>', { status: 200 })
      case 'no-keys':
        return json('{"kids":[]}')
      case 'bad-utf8':
        return new Response(new Uint8Array([0x7b, 0xff, 0x7d]))
      case 'huge':
        return json(JSON.stringify({ keys: state.keys, pad: 'x'.repeat(200_000) }))
      case 'body':
        return json(state.body)
      case 'stream': {
        // No content-length, and bytes until someone stops reading.
        const chunk = new Uint8Array(16_384).fill(0x20)
        return new Response(new ReadableStream({ pull: (c) => c.enqueue(chunk) }))
      }
    }
  }
  return { state, fetch }
}

const fast: RemoteKeySetOptions = {
  timeoutDuration: 200,
  cooldownDuration: 150,
  cacheMaxAge: 100,
  maxStaleness: 600,
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const setup = async (options: RemoteKeySetOptions = fast) => {
  const signer = await ed25519Signer()
  const ep = endpoint([signer])
  const app = appWith({
    algorithms: ['EdDSA'],
    keys: remoteKeys('https://keys.test/.well-known/jwks.json', options),
    fetch: ep.fetch as typeof fetch,
  })
  const call = async (token: string) => app.request('/x', bearer(token))
  return { signer, ep, app, call, token: await signer.token(claims()) }
}

const expectUnavailable = async (res: Response) => {
  expect(res.status).toBe(503)
  expect(await res.json()).toEqual({ detail: 'Token keys unavailable' })
  expect(res.headers.get('www-authenticate')).toBeNull()
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
}

describe('remote key set', () => {
  it('unreachable at first use: 503 with Retry-After; recovers when it comes back', async () => {
    const { ep, call, token } = await setup()
    ep.state.mode = 'down'
    await expectUnavailable(await call(token))
    await expectUnavailable(await call(token)) // within the cooldown: no new fetch
    expect(ep.state.fetches).toBe(1)
    ep.state.mode = 'ok'
    await sleep(160)
    expect((await call(token)).status).toBe(200)
    expect(ep.state.fetches).toBe(2)
  })

  it('unreachable after a success: known kids keep verifying, unknown kids get 401 promptly', async () => {
    const { ep, call, token } = await setup()
    expect((await call(token)).status).toBe(200)
    ep.state.mode = 'down'
    await sleep(160) // past cacheMaxAge and the cooldown: the next use tries, fails, serves stale
    expect((await call(token)).status).toBe(200)
    const stranger = await ed25519Signer()
    const started = performance.now()
    expect((await call(await stranger.token(claims()))).status).toBe(401)
    expect(performance.now() - started).toBeLessThan(100)
    await sleep(500) // past maxStaleness: the stale set is dropped
    await expectUnavailable(await call(token))
  })

  it('defaults, on a fake clock: 5 s timeout, then no fetch for 30 s', async () => {
    vi.useFakeTimers()
    try {
      const { ep, app, signer } = await setup({})
      const token = await signer.token(claims())
      ep.state.mode = 'slow'
      let settled = false
      const first = Promise.resolve(app.request('/x', bearer(token))).finally(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(4_999)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect((await first).headers.get('retry-after')).toBe('25')
      ep.state.mode = 'ok'
      await vi.advanceTimersByTimeAsync(24_000)
      expect((await app.request('/x', bearer(token))).headers.get('retry-after')).toBe('1')
      await vi.advanceTimersByTimeAsync(1_000)
      expect((await app.request('/x', bearer(token))).status).toBe(200)
      expect(ep.state.fetches).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('defaults, on a fake clock: the last good set serves for 24 h, not longer', async () => {
    vi.useFakeTimers()
    try {
      const { ep, call, signer } = await setup({})
      expect((await call(await signer.token(claims()))).status).toBe(200)
      ep.state.mode = 'down'
      await vi.advanceTimersByTimeAsync(86_400_000 - 1_000)
      expect((await call(await signer.token(claims()))).status).toBe(200)
      await vi.advanceTimersByTimeAsync(31_000)
      await expectUnavailable(await call(await signer.token(claims())))
      // Fetched once, then at most once per 30 s cooldown in between uses, never more.
      expect(ep.state.fetches).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('slow: bounded by the timeout, never hangs the request', async () => {
    const { ep, call, token } = await setup()
    ep.state.mode = 'slow'
    const started = performance.now()
    await expectUnavailable(await call(token))
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(1000)
  })

  it.each<Mode>(['500', 'redirect', 'html', 'no-keys', 'bad-utf8', 'huge', 'stream'])(
    '%s: treated as unreachable',
    async (mode) => {
      const { ep, call, token } = await setup()
      ep.state.mode = mode
      await expectUnavailable(await call(token))
      expect(ep.state.urls).toEqual(['https://keys.test/.well-known/jwks.json'])
    },
  )

  it('1,000 unknown kids at once: at most one fetch per cooldown, every answer 401', async () => {
    const window = { ...fast, cooldownDuration: 1000, cacheMaxAge: 60_000, maxStaleness: 60_000 }
    const { ep, call, token } = await setup(window)
    const stranger = await ed25519Signer()
    const sign = () =>
      Promise.all(
        Array.from({ length: 1000 }, () => stranger.token(claims(), { kid: crypto.randomUUID() })),
      )
    const [first, second] = [await sign(), await sign()]
    const flood = async (tokens: string[]) =>
      new Set(await Promise.all(tokens.map(async (t) => (await call(t)).status)))
    expect((await call(token)).status).toBe(200)
    expect(await flood(first)).toEqual(new Set([401])) // within the cooldown of the first fetch
    expect(ep.state.fetches).toBe(1)
    await sleep(1000)
    expect(await flood(second)).toEqual(new Set([401])) // a new window: one refetch, shared by all
    expect(ep.state.fetches).toBe(2)
  })

  it('rotation: a new kid is picked up on its first use after the cooldown', async () => {
    const { ep, call, token } = await setup({ ...fast, cacheMaxAge: 60_000, maxStaleness: 60_000 })
    expect((await call(token)).status).toBe(200)
    const next = await ed25519Signer()
    ep.state.keys = [...ep.state.keys, next.jwk]
    const rotated = await next.token(claims())
    expect((await call(rotated)).status).toBe(401) // within the cooldown of the first fetch
    await sleep(160)
    expect((await call(rotated)).status).toBe(200)
    expect(ep.state.fetches).toBe(2)
  })

  it('keys a set must not contribute are skipped: symmetric, encryption', async () => {
    const signer = await ed25519Signer()
    const usable = await ed25519Signer()
    const ep = endpoint([])
    ep.state.keys = [
      { kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0cw', alg: 'HS256', kid: 'oct' },
      { ...signer.jwk, use: 'enc' },
      usable.jwk,
    ] as Signer['jwk'][]
    const app = appWith({
      algorithms: ['EdDSA', 'HS256'],
      keys: remoteKeys('https://keys.test/jwks.json'),
      fetch: ep.fetch as typeof fetch,
    })
    expect((await app.request('/x', bearer(await signer.token(claims())))).status).toBe(401)
    const secret = new TextEncoder().encode('secretsecretsecretsecretsecrets')
    const hs = await hs256(secret, { alg: 'HS256', kid: 'oct' }, claims())
    expect((await app.request('/x', bearer(hs))).status).toBe(401)
    expect((await app.request('/x', bearer(await usable.token(claims())))).status).toBe(200)
  })

  it('a key set change is announced, so a token cache can forget', async () => {
    const signer = await ed25519Signer()
    const ep = endpoint([signer])
    const getKey = createKeyResolver({
      algorithms: ['EdDSA'],
      realm: 'r',
      keys: remoteKeys('https://keys.test/jwks.json', { ...fast, cacheMaxAge: 0 }),
      fetch: ep.fetch as typeof fetch,
    }) as KeyResolver & KeySetEvents & { refreshing: () => Promise<void> | undefined }
    let changes = 0
    getKey.onKeySetChange?.(() => changes++)
    await getKey({ alg: 'EdDSA', kid: signer.jwk.kid })
    ep.state.keys = [...ep.state.keys, (await ed25519Signer()).jwk]
    await sleep(160)
    await getKey({ alg: 'EdDSA', kid: signer.jwk.kid })
    await getKey.refreshing() // the old set answered at once; the refresh ran behind it
    expect(ep.state.fetches).toBe(2)
    expect(changes).toBe(1)
  })

  it.each([
    ['an empty set', () => '{"keys":[]}'],
    ['junk entries', () => '{"keys":[1,null,"x"]}'],
    [
      'only a symmetric key',
      () => '{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","kid":"o"}]}',
    ],
    [
      'the good key marked for encryption',
      (s: Signer) => JSON.stringify({ keys: [{ ...s.jwk, use: 'enc' }] }),
    ],
  ])('200 with %s: the last good set stays, the fetch counts as failed', async (_, body) => {
    const { ep, call, token, signer } = await setup({
      ...fast,
      cacheMaxAge: 60_000,
      maxStaleness: 60_000,
    })
    expect((await call(token)).status).toBe(200)
    ep.state.mode = 'body'
    ep.state.body = body(signer)
    await sleep(160)
    const stranger = await ed25519Signer()
    expect((await call(await stranger.token(claims()))).status).toBe(401) // triggers the refetch
    expect(ep.state.fetches).toBe(2)
    expect((await call(token)).status).toBe(200)
    expect((await call(await signer.token(claims()))).status).toBe(200)
  })

  it('defaults, on a fake clock: an old set answers at once while the endpoint hangs; only an unknown kid waits, 5 s at most', async () => {
    vi.useFakeTimers()
    try {
      const { ep, app: bare, signer } = await setup({})
      // As a Worker runs it: with an execution context, which keeps the refresh alive.
      const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} }
      const app = {
        request: (path: string, init: RequestInit) => bare.request(path, init, {}, ctx),
      }
      expect((await app.request('/x', bearer(await signer.token(claims())))).status).toBe(200)
      ep.state.mode = 'slow'
      await vi.advanceTimersByTimeAsync(600_000) // past cacheMaxAge: the next use refreshes
      const known = await signer.token(claims())
      let answered = false
      const first = Promise.resolve(app.request('/x', bearer(known))).finally(() => {
        answered = true
      })
      await vi.advanceTimersByTimeAsync(0)
      expect(answered).toBe(true)
      expect((await first).status).toBe(200)
      expect(ep.state.fetches).toBe(2) // the refresh runs, hanging, behind the answer

      const stranger = await (await ed25519Signer()).token(claims())
      let settled = false
      const waiting = Promise.resolve(app.request('/x', bearer(stranger))).finally(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(4_000)
      expect(settled).toBe(false) // it shares the refresh in flight
      expect((await app.request('/x', bearer(known))).status).toBe(200) // others do not wait
      await vi.advanceTimersByTimeAsync(1_000)
      expect((await waiting).status).toBe(401)
      expect(ep.state.fetches).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('on Workers without an execution context, the request that starts a refresh waits for it, bounded', async () => {
    // `app.fetch(request)` alone: nothing could keep a background refresh alive past the answer.
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
    const { ep, app, token } = await setup({ ...fast, cooldownDuration: 400, maxStaleness: 60_000 })
    expect((await app.request('/x', bearer(token))).status).toBe(200)
    await sleep(450)
    ep.state.mode = 'slow'
    const started = performance.now()
    expect((await app.request('/x', bearer(token))).status).toBe(200) // the old set, after the wait
    expect(performance.now() - started).toBeGreaterThanOrEqual(190) // the 200 ms timeout
    const next = performance.now()
    expect((await app.request('/x', bearer(token))).status).toBe(200) // within the cooldown
    expect(performance.now() - next).toBeLessThan(100)
  })

  it('the refresh behind a request is handed to executionCtx.waitUntil', async () => {
    const { ep, app, token } = await setup()
    const ctx = { waitUntil: vi.fn(), passThroughOnException: () => {}, props: {} }
    expect((await app.request('/x', bearer(token), {}, ctx)).status).toBe(200)
    expect(ctx.waitUntil).not.toHaveBeenCalled() // a fetch that was waited for needs no help
    await sleep(160)
    ep.state.mode = 'slow'
    expect((await app.request('/x', bearer(token), {}, ctx)).status).toBe(200)
    expect(ctx.waitUntil).toHaveBeenCalledTimes(1)
    await ctx.waitUntil.mock.calls[0]?.[0] // settles (never rejects) once the fetch times out
  })
})
