// What the repository folder holds, for the tests that must leave it as they found it: a walk of
// its files (size and modification time), never `git status`, so that they pass in a source
// archive with no `.git` as in a clone.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * Every file under `root` (relative path → size and mtime), skipping `node_modules`, `.git` and
 * the folder names in `skip` (e.g. `.wrangler`, the scratch wrangler writes while it serves).
 */
export const filesSnapshot = (root, skip = []) => {
  const skipped = new Set(['node_modules', '.git', ...skip])
  const files = new Map()
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skipped.has(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else {
        const stat = statSync(path, { throwIfNoEntry: false })
        if (stat) files.set(relative(root, path), `${stat.size}:${stat.mtimeMs}`)
      }
    }
  }
  walk(root)
  return files
}

/** The paths added, changed or removed between two snapshots, sorted. */
export const changedFiles = (before, after) =>
  [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort()
