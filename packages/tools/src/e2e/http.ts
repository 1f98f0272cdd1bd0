/** One bounded HTTP exchange with a JSON API of the stack. */

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface JsonRequest {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly credentials?: Credentials | undefined;
  readonly timeoutMs?: number;
}

export interface JsonResponse {
  readonly status: number;
  /** The parsed body, or undefined when the body is empty or not JSON (some 404s are plain text). */
  readonly body: unknown;
  /** The start of the raw body, for messages. */
  readonly excerpt: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one request and parses the answer as JSON whatever its status, since
 * these APIs mostly explain their 4xx and 5xx answers in a JSON body. A network
 * error or a timeout rejects with a message naming the URL.
 */
export async function requestJson(url: URL, request: JsonRequest = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.credentials) {
    const token = Buffer.from(`${request.credentials.user}:${request.credentials.password}`).toString(
      'base64',
    );
    headers.authorization = `Basic ${token}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
  } catch (error) {
    throw new Error(`${describe(url)}: ${networkReason(error)}`);
  }
  const text = await response.text();
  const excerpt = text.trim().slice(0, 160);
  try {
    return { status: response.status, body: JSON.parse(text) as unknown, excerpt };
  } catch {
    return { status: response.status, body: undefined, excerpt };
  }
}

/** "<url> answered HTTP <status>: <why>", with the API's own explanation when it gave one. */
export function unexpectedAnswer(url: URL, response: JsonResponse): Error {
  const { body, excerpt } = response;
  const why =
    isRecord(body) && typeof body.error === 'string'
      ? body.error
      : isRecord(body) && typeof body.message === 'string'
        ? body.message
        : excerpt;
  return new Error(`${describe(url)} answered HTTP ${response.status}${why ? `: ${why}` : ''}`);
}

/** The URL without its query string, so messages stay short and never carry query parameters. */
export function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer before the request timed out';
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `cannot connect (${cause.code})`;
    return error.message;
  }
  return String(error);
}

/** Builds an endpoint URL under a base URL that may carry a path prefix (e.g. Grafana served under /grafana). */
export function endpoint(base: URL, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = new URLSearchParams(query).toString();
  return url;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
