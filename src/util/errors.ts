/**
 * Errors that reach a client carry their HTTP status and Loki's message text.
 * The server maps any thrown HttpError to `status` with `message` as a text/plain body.
 */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.name = new.target.name;
  }
}

/** 400: malformed request, parse errors, validation and query limits. */
export class BadRequestError extends HttpError {
  constructor(message: string) { super(400, message); }
}

/** 401: missing or invalid tenant. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'no org id') { super(401, message); }
}

export class ForbiddenError extends HttpError {
  constructor(message: string) { super(403, message); }
}

export class NotFoundError extends HttpError {
  constructor(message = 'not found') { super(404, message); }
}

/** 413: request body larger than allowed (before or after decompression). */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string) { super(413, message); }
}

/** 422: well-formed request with nothing to do (push without streams). */
export class UnprocessableError extends HttpError {
  constructor(message: string) { super(422, message); }
}

/** 429: rate and stream limits. */
export class TooManyRequestsError extends HttpError {
  constructor(message: string) { super(429, message); }
}

/** 499: the client went away. */
export class ClientClosedError extends HttpError {
  constructor() { super(499, 'The request was cancelled by the client.'); }
}

export class ServiceUnavailableError extends HttpError {
  constructor(message: string) { super(503, message); }
}

/** 504: query deadline. */
export class TimeoutError extends HttpError {
  constructor() {
    super(504, 'Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.');
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
