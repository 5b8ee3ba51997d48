/** Every file under `root` (relative path → size and mtime), skipping `node_modules`, `.git`, `skip`. */
export declare const filesSnapshot: (root: string, skip?: readonly string[]) => Map<string, string>
/** The paths added, changed or removed between two snapshots, sorted. */
export declare const changedFiles: (
  before: Map<string, string>,
  after: Map<string, string>,
) => string[]
