// Resource indicators (RFC 8707): which API an access token is for, and so its audience,
// its scopes, its lifetime and its signing algorithm.
import { managementResourceFor, MANAGEMENT_AUDIENCE } from "../admin/management-resource";
import type { ApiResource, Directory, Tenant } from "../directory";
import { InvalidTarget } from "./errors";
import type { TokenParameters } from "./token/parameters";

export function isAbsoluteUriWithoutFragment(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && !value.includes("#") && URL.canParse(value);
}

/** The one resource a token request is for: the `resource` parameter or the tenant default. */
export async function requestedResource(
  directory: Directory,
  tenant: Tenant,
  params: TokenParameters,
): Promise<ApiResource> {
  const named = params.getAll("resource");
  if (named.length > 1)
    throw new InvalidTarget("request one resource per token (several 'resource' parameters were given)");
  const identifier = named[0] ?? tenant.defaultResource;
  if (!identifier) throw new InvalidTarget("no 'resource' was requested and the tenant has no default API resource");
  if (!isAbsoluteUriWithoutFragment(identifier))
    throw new InvalidTarget("'resource' must be an absolute URI without a fragment");
  if (identifier === MANAGEMENT_AUDIENCE) return managementResourceFor(tenant.slug);
  const resource = (await directory.resources.all()).find((r) => r.identifier === identifier);
  if (!resource) throw new InvalidTarget(`'${identifier}' is not an API resource of this tenant`);
  return resource;
}
