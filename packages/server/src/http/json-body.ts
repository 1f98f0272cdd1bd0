import { parse as parseContentType } from 'content-type';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { HttpProblem } from './errors.ts';

/** Largest request body the API reads. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Why a body was refused; also the `reason` on the validation failures counter. */
export const BODY_PROBLEM = {
  mediaType: 'unsupported_media_type',
  encoding: 'unsupported_content_encoding',
  tooLarge: 'payload_too_large',
  unreadable: 'unreadable_body',
  charset: 'invalid_utf8',
  syntax: 'malformed_json',
  forbiddenKey: 'forbidden_key',
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body: application/json in UTF-8, no content coding, at
 * most BODY_LIMIT_BYTES, valid JSON without `__proto__` or
 * `constructor.prototype` keys. Each refusal is an HttpProblem with a 4xx.
 */
export async function readJsonBody(ctx: Context, limitBytes = BODY_LIMIT_BYTES): Promise<unknown> {
  const header = ctx.get('Content-Type');
  let mediaType: { type: string; parameters: Record<string, string> };
  try {
    mediaType = parseContentType(header);
  } catch {
    throw new HttpProblem(415, BODY_PROBLEM.mediaType, 'Content-Type must be application/json');
  }
  if (mediaType.type !== 'application/json') {
    throw new HttpProblem(415, BODY_PROBLEM.mediaType, 'Content-Type must be application/json');
  }
  const charset = mediaType.parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpProblem(415, BODY_PROBLEM.mediaType, 'the only charset accepted is utf-8');
  }
  const coding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    throw new HttpProblem(415, BODY_PROBLEM.encoding, 'request bodies must not be compressed', {
      headers: { 'Accept-Encoding': 'identity' },
    });
  }

  let raw: Buffer;
  try {
    const length = ctx.get('Content-Length');
    raw = await getRawBody(ctx.req, { limit: limitBytes, ...(length ? { length } : {}) });
  } catch (error) {
    // raw-body leaves the request paused on an error: let the rest of the
    // body drain (discarded), or the keep-alive connection stalls and the
    // next request on it never gets an answer. The server's requestTimeout
    // bounds how long a client may keep sending.
    ctx.req.resume();
    if ((error as { status?: number }).status === 413) {
      throw new HttpProblem(413, BODY_PROBLEM.tooLarge, `the body must be at most ${limitBytes} bytes`);
    }
    throw new HttpProblem(400, BODY_PROBLEM.unreadable, 'the request body could not be read');
  }

  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpProblem(400, BODY_PROBLEM.charset, 'the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpProblem(400, BODY_PROBLEM.syntax, 'the body is empty');
  try {
    return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError && /prototype property/.test(error.message)) {
      throw new HttpProblem(
        400,
        BODY_PROBLEM.forbiddenKey,
        'the body has a __proto__ or constructor.prototype key',
      );
    }
    throw new HttpProblem(400, BODY_PROBLEM.syntax, 'the body is not valid JSON');
  }
}
