import assert from 'node:assert/strict'

// Requests as a task runner sends them, and the checks every error answer shares (contract §3).

export interface Answer {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: unknown
}

export interface CallOptions {
  token?: string
  /** The whole `Authorization` header (wins over `token`), or several of them. */
  authorization?: string | string[]
  body?: unknown
  /** A raw body, sent as is with `content-type: application/json`. */
  rawBody?: string
}

export const call = async (
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> => {
  const headers = new Headers()
  const authorization = options.authorization ?? (options.token && `Bearer ${options.token}`)
  for (const value of [authorization ?? []].flat()) headers.append('authorization', value)
  let body: string | undefined
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers.set('content-type', 'application/json')
    body = options.rawBody ?? JSON.stringify(options.body)
  }
  const response = await fetch(new URL(`/execution${path}`, baseUrl), { method, headers, body })
  const text = await response.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** Asserts the status, and shows the body when it differs. */
export const expectStatus = (answer: Answer, status: number) => {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`)
}

/** An error answer of contract §3: status, `{"detail": …}`, and the challenge it must carry. */
export const expectError = (
  answer: Answer,
  status: number,
  detail: string,
  challenge?: { error?: string; scope?: string; description?: string },
) => {
  expectStatus(answer, status)
  assert.deepEqual(answer.json, { detail })
  const header = answer.headers.get('www-authenticate') ?? ''
  assert.match(header, /^Bearer realm="execution-api"/)
  if (!challenge) assert.equal(header, 'Bearer realm="execution-api"')
  if (challenge?.error) assert.ok(header.includes(`error="${challenge.error}"`), header)
  if (challenge?.scope) assert.ok(header.includes(`scope="${challenge.scope}"`), header)
  if (challenge?.description) {
    assert.ok(header.includes(`error_description="${challenge.description}"`), header)
  }
}

/** Asserts that nothing of the token (its signature in particular) is echoed in the answer. */
export const expectNoEcho = (answer: Answer, token: string) => {
  const signature = token.split('.')[2]
  const everything = `${answer.text}\n${[...answer.headers].join('\n')}`
  if (signature) assert.ok(!everything.includes(signature), 'the answer echoes the signature')
  assert.ok(!everything.includes(token), 'the answer echoes the token')
}

/** The claims of a token, read without verifying it (the client's view). */
export const claimsOf = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

export const refreshed = (answer: Answer) => answer.headers.get('refreshed-api-token')
