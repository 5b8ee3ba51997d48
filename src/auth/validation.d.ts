import type { Context } from 'hono';
import type { z } from 'zod';
/** One validation problem, in the shape FastAPI clients already read. */
export interface ValidationIssue {
    loc: (string | number)[];
    msg: string;
    type: string;
}
/**
 * The `zValidator` hook of every table route: a failed parse answers 422 with the issues in
 * `detail`, never 500 and never the raw zod error.
 */
export declare const validationFailed: (result: {
    success: true;
} | {
    success: false;
    error: z.core.$ZodError;
    target: string;
}, c: Context) => (Response & import("hono").TypedResponse<{
    detail: {
        loc: (string | number)[];
        msg: string;
        type: string;
    }[];
}, 422, "json">) | undefined;
