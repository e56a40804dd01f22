// One POST to an email provider's API with a bounded retry: 429 and 5xx (and network
// failures) are tried again after a short wait, up to three attempts in all, since the
// email goes out after the response and waitUntil does not wait forever; any other 4xx
// is final (a bad key or a refused address does not get better by asking again).
export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;
const ATTEMPT_TIMEOUT_MS = 10_000;

export function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** How long to wait before attempt `attempt + 1`: Retry-After (seconds) if given, capped. */
function delayMs(attempt: number, retryAfter: string | null): number {
  const asked = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null;
  return Math.min(asked ?? BASE_DELAY_MS * 4 ** (attempt - 1), MAX_DELAY_MS);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The provider's last answer (the first that is final, or the last retryable one), or
 * the network error of the last attempt.
 */
export async function postWithRetries(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response | null = null;
    try {
      response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
    if (response && (!retryable(response.status) || attempt >= MAX_ATTEMPTS)) return response;
    // Free the connection before waiting.
    await response?.body?.cancel();
    await sleep(delayMs(attempt, response?.headers.get("Retry-After") ?? null));
  }
}

/** Reads a JSON body, or null when there is none or it is not JSON. */
export async function jsonBody<T>(response: Response): Promise<T | null> {
  return (await response.json().catch(() => null)) as T | null;
}
