/** `server.address` and `server.port` of a server span, as the client addressed the server. */
export interface ServerAddress {
  readonly address: string;
  readonly port: number;
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** host, or [IPv6], then an optional :port. */
const HOST_HEADER = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::(\d{1,5}))?$/;

/**
 * The host and port a request's Host header names (the HTTP semantic
 * conventions' source for server.address and server.port), the scheme's
 * default port when it names none; undefined when there is no Host header
 * or it is not a host[:port]. An IPv6 address loses its brackets.
 */
export function parseHostHeader(host: string | undefined, scheme: string): ServerAddress | undefined {
  if (host === undefined) return undefined;
  const match = HOST_HEADER.exec(host);
  if (!match) return undefined;
  const port = match[3] === undefined ? DEFAULT_PORT[scheme] : Number(match[3]);
  if (port === undefined || port > 65535) return undefined;
  return { address: (match[1] ?? match[2]) as string, port };
}

/**
 * parseHostHeader, remembering the last header it parsed: nearly every
 * request to a server names it the same way, so the request path does not
 * run the regular expression again.
 */
export function serverAddressParser(): (
  host: string | undefined,
  scheme: string,
) => ServerAddress | undefined {
  let lastHost: string | undefined;
  let lastScheme: string | undefined;
  let last: ServerAddress | undefined;
  return (host, scheme) => {
    if (host !== lastHost || scheme !== lastScheme) {
      lastHost = host;
      lastScheme = scheme;
      last = parseHostHeader(host, scheme);
    }
    return last;
  };
}
