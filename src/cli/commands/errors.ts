/** Exit statuses a script can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Wrong flags or arguments: exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The request failed or the server answered an error: exit status 1. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}
