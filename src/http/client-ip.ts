// The client's address as Cloudflare saw it. X-Forwarded-For is never trusted: any
// client can set it, while CF-Connecting-IP is set by Cloudflare's edge.
export function clientIpOf(request: Request): string | null {
  return request.headers.get("CF-Connecting-IP");
}
