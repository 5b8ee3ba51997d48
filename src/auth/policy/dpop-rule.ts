import type { DpopMode, DpopRule, DpopSettings } from '../verify/bound'

/**
 * The DPoP rule of one route, from its auth's `dpop` (which brings the code that enforces it), or
 * `undefined` when there is nothing to enforce. A route asking for DPoP of an auth without it is a
 * build error.
 */
export const routeDpopRule = (
  auth: { dpop?: DpopSettings },
  declared: DpopMode | undefined,
  where: string,
): DpopRule | undefined => {
  if (auth.dpop) return auth.dpop.rule(declared)
  if (declared && declared !== 'off') {
    throw new Error(`"dpop:${declared}" needs jwtAuth's "dpop" option (${where})`)
  }
  return undefined
}
