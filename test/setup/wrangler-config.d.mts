/** Writes a copy of `<root>/wrangler.toml` alone in a temporary folder and returns its path. */
export declare const isolatedWranglerConfig: (root: string) => string
