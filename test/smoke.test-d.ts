// Smoke type test for vitest's typecheck mode; replace once real type tests exist.
import { expectTypeOf, test } from 'vitest'
import type worker from '../src/execution-api/worker'

test('the Worker entry has a fetch handler returning a Response', () => {
  expectTypeOf<ReturnType<typeof worker.fetch>>().toEqualTypeOf<Response>()
})
