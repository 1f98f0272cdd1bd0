import { type IncomingMessage, type RequestListener, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { markUnmetExpectation } from './edge-checks.ts';
import { errorBody } from './errors.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** The security headers as raw header lines, for the answers written straight to the socket. */
const SECURITY_HEADER_LINES = Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * Requests Node's HTTP parser refuses (an unknown method, a malformed request
 * line, oversized headers, a request over its time) never reach Koa; they
 * still get a JSON error. A request Node cannot parse at all has no method
 * or path to answer about: it gets this answer and the connection is closed.
 */
export function answerParserError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // A response already under way on this socket must not be corrupted by a
  // second one (Node's own handler makes the same check).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'Request Timeout']
        : [400, 'bad_request', 'Bad Request'];
  const message = status === 408 ? 'the request did not arrive in time' : 'the request could not be parsed';
  const body = JSON.stringify(errorBody(status, code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      SECURITY_HEADER_LINES +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Sends to the app the well-formed requests Node would otherwise answer or
 * drop itself, so they get the API's JSON errors and headers:
 * - an `Expect` other than `100-continue` (Node's own answer: an empty 417);
 * - CONNECT (without a listener Node destroys the socket, answering nothing).
 *   The app answers it on a response built over the raw socket, which is
 *   closed once the answer is written: no tunnel is ever opened.
 * Node's own 400 for a missing Host is turned off by `requireHostHeader:
 * false` where the server is created; `edgeChecks` answers it instead.
 */
export function routeEdgeRequests(server: Server, handle: RequestListener): void {
  server.on('clientError', answerParserError);
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    markUnmetExpectation(req);
    handle(req, res);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // Node has removed its own listeners from the socket: errors are ours now.
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    handle(req, res);
  });
}
