// The remote key set against a real HTTP server on loopback. workerd tests cannot listen on a
// socket, so this one runs in Node (`node --test`, a step of scripts/test.mjs) on the library
// bundled by esbuild: the same source, the same Web APIs (fetch, crypto.subtle, URL).
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, test } from 'node:test'
import { SignJWT } from 'jose'
import { lib } from './bundled-library.mjs'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const timings = {
  timeoutDuration: 300,
  cooldownDuration: 200,
  cacheMaxAge: 100,
  maxStaleness: 3000,
}

const newSigner = async () => {
  const { privateKey, publicKey } = await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])
  const { x, kty, crv } = await crypto.subtle.exportKey('jwk', publicKey)
  const kid = crypto.randomUUID()
  const sign = () => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ sub: crypto.randomUUID(), aud: 'urn:airflow.apache.org:task' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(privateKey)
  }
  return { jwk: { kty, crv, x, alg: 'EdDSA', kid }, sign }
}

/** A key set server whose answers a test switches; `hits` counts requests. */
const keyServer = (keys) => {
  const state = { mode: 'ok', keys, hits: 0 }
  const server = createServer((_req, res) => {
    state.hits++
    if (state.mode === 'hang') return
    if (state.mode === '500') return res.writeHead(500).end('oops')
    if (state.mode === 'redirect')
      return res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end()
    if (state.mode === 'body')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(state.body)
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: state.keys }))
  })
  const listen = (port = 0) =>
    new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server.address().port)))
  const close = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
  return { state, listen, close }
}

const servers = []
after(() => Promise.all(servers.map((s) => s.close().catch(() => {}))))

const outcome = (promise) =>
  promise.then(
    () => 200,
    (error) => {
      assert.ok(error instanceof lib.AuthError, `not an AuthError: ${error}`)
      if (error.status === 503) assert.ok(error.retryAfter >= 1)
      return error.status
    },
  )

test('down at first use → 503; up again → verifies; rotation after the cooldown', async () => {
  const signer = await newSigner()
  const ks = keyServer([signer.jwk])
  servers.push(ks)
  const port = await ks.listen()
  await ks.close() // nothing listens on the port now: connection refused
  const verify = lib.createVerifier({
    profile: lib.taskInstanceProfile,
    algorithms: ['EdDSA'],
    keys: lib.remoteKeys(`http://127.0.0.1:${port}/jwks.json`, timings),
  })
  const token = await signer.sign()
  assert.equal(await outcome(verify(token)), 503)
  await ks.listen(port)
  await sleep(220)
  assert.equal(await outcome(verify(token)), 200)
  assert.equal(ks.state.hits, 1)

  const next = await newSigner()
  ks.state.keys = [signer.jwk, next.jwk]
  const rotated = await next.sign()
  assert.equal(await outcome(verify(rotated)), 401, 'within the cooldown')
  await sleep(220)
  assert.equal(await outcome(verify(rotated)), 200, 'after the cooldown')
  assert.equal(ks.state.hits, 2)
})

test('down or hanging after a success → the last good set keeps verifying, bounded in time', async () => {
  const signer = await newSigner()
  const ks = keyServer([signer.jwk])
  servers.push(ks)
  const port = await ks.listen()
  const verify = lib.createVerifier({
    profile: lib.taskInstanceProfile,
    algorithms: ['EdDSA'],
    keys: lib.remoteKeys(`http://127.0.0.1:${port}/jwks.json`, timings),
  })
  assert.equal(await outcome(verify(await signer.sign())), 200)

  ks.state.mode = 'hang'
  await sleep(220)
  // The set is old: the refresh runs behind the request, which the cached set answers at once.
  const token = await signer.sign()
  const started = performance.now()
  assert.equal(await outcome(verify(token)), 200)
  const elapsed = performance.now() - started
  assert.ok(elapsed < 200, `waited ${elapsed} ms for a hanging endpoint`)
  await sleep(350) // the hanging refresh times out behind the scenes

  await ks.close()
  await sleep(220)
  assert.equal(await outcome(verify(await signer.sign())), 200)
  assert.equal(await outcome(verify(await (await newSigner()).sign())), 401)
})

test('500 and redirects count as unreachable → 503', async () => {
  for (const mode of ['500', 'redirect']) {
    const signer = await newSigner()
    const ks = keyServer([signer.jwk])
    servers.push(ks)
    ks.state.mode = mode
    const port = await ks.listen()
    const verify = lib.createVerifier({
      profile: lib.taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: lib.remoteKeys(`http://127.0.0.1:${port}/jwks.json`, timings),
    })
    assert.equal(await outcome(verify(await signer.sign())), 503, mode)
    assert.equal(ks.state.hits, 1, `${mode}: the redirect is not followed`)
  }
})

test('a hanging endpoint: known kids answered at once, an unknown kid waits at most the timeout', async () => {
  const signer = await newSigner()
  const ks = keyServer([signer.jwk])
  servers.push(ks)
  const port = await ks.listen()
  const verify = lib.createVerifier({
    profile: lib.taskInstanceProfile,
    algorithms: ['EdDSA'],
    keys: lib.remoteKeys(`http://127.0.0.1:${port}/jwks.json`, { ...timings, cacheMaxAge: 0 }),
  })
  assert.equal(await outcome(verify(await signer.sign())), 200)
  ks.state.mode = 'hang'
  await sleep(220) // past the cooldown: the next use starts a refresh, which hangs
  const tokens = await Promise.all(Array.from({ length: 20 }, () => signer.sign()))
  const stranger = await (await newSigner()).sign()
  const started = performance.now()
  const [known, unknown] = await Promise.all([
    Promise.all(tokens.map(async (t) => [await outcome(verify(t)), performance.now() - started])),
    outcome(verify(stranger)).then((status) => [status, performance.now() - started]),
  ])
  for (const [status, ms] of known) {
    assert.equal(status, 200)
    assert.ok(ms < 200, `a known kid waited ${ms} ms`)
  }
  assert.equal(unknown[0], 401)
  assert.ok(unknown[1] >= 250 && unknown[1] < 1500, `the unknown kid waited ${unknown[1]} ms`)
  assert.equal(ks.state.hits, 2, 'one refresh, shared')
})

test('an answer without a usable key keeps the last good set and counts as failed', async () => {
  const signer = await newSigner()
  const bodies = [
    '{"keys":[]}',
    '{"keys":[1,null,"x"]}',
    JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', kid: 'o' }] }),
    JSON.stringify({ keys: [{ ...signer.jwk, use: 'enc' }] }),
    JSON.stringify({ keys: [{ ...signer.jwk, x: 'A'.repeat(43) }] }),
  ]
  for (const body of bodies) {
    const ks = keyServer([signer.jwk])
    servers.push(ks)
    const port = await ks.listen()
    const verify = lib.createVerifier({
      profile: lib.taskInstanceProfile,
      algorithms: ['EdDSA'],
      keys: lib.remoteKeys(`http://127.0.0.1:${port}/jwks.json`, timings),
    })
    assert.equal(await outcome(verify(await signer.sign())), 200, body)
    Object.assign(ks.state, { mode: 'body', body })
    await sleep(220)
    // An unknown kid makes it look again: the answer is useless, so nothing changes.
    assert.equal(await outcome(verify(await (await newSigner()).sign())), 401, body)
    assert.equal(ks.state.hits, 2, body)
    assert.equal(await outcome(verify(await signer.sign())), 200, body)
  }
})
