import { z } from 'zod';
/** The two kinds of token: `execution` on every call, `workload` only where a route opts in. */
export declare const tokenTypes: readonly ['execution', 'workload'];
export type TokenType = (typeof tokenTypes)[number];
/**
 * The claims of a task instance token once its signature and registered claims have been checked.
 * Unknown claims are kept for handlers; `scope` defaults to `execution`, and any value other than
 * the two token types makes the token invalid.
 */
export declare const tiClaimsSchema: z.ZodObject<{
    sub: z.ZodUUID;
    scope: z.ZodDefault<z.ZodEnum<{
        execution: "execution";
        workload: "workload";
    }>>;
    aud: z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>;
    iss: z.ZodOptional<z.ZodString>;
    exp: z.ZodNumber;
    iat: z.ZodNumber;
    nbf: z.ZodNumber;
    jti: z.ZodOptional<z.ZodString>;
}, z.core.$loose>;
/** A verified task instance token: what handlers read through `currentToken(c)`. */
export type TIToken = z.output<typeof tiClaimsSchema>;
/** Claims the library manages itself; everything else is carried over on refresh. */
export declare const registeredClaims: Set<string>;
