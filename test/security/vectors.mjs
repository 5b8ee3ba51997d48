// Reads the public vectors (`test/vectors/`, in the repository; see its README) in Node, when vitest
// loads its config: tests run inside workerd, which cannot read the host's files, and receive them
// through `provide`/`inject`. A missing folder is reported by the vectors test, not by every test.
import { existsSync, readdirSync, readFileSync } from 'node:fs'

const root = new URL('../vectors/', import.meta.url)

const read = (path) => JSON.parse(readFileSync(new URL(path, root), 'utf8'))

/** @returns {import('./vectors.d.mts').SharedVectors} */
export const loadVectors = () => {
  if (!existsSync(new URL('wycheproof/json_web_signature_test.json', root))) {
    return { missing: root.pathname }
  }
  const cookbook = Object.fromEntries(
    readdirSync(new URL('jose-cookbook/jws/', root))
      .filter((name) => name.endsWith('.json'))
      .map((name) => [`jws/${name}`, read(`jose-cookbook/jws/${name}`)]),
  )
  cookbook['curve25519/jws.json'] = read('jose-cookbook/curve25519/jws.json')
  return { wycheproof: read('wycheproof/json_web_signature_test.json'), cookbook }
}
