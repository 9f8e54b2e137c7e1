import { readJsonBody } from './read-response.js';
import type { Policy } from './types.js';

/**
 * Parses every 2xx body inside the retry loop, so an answer cut off mid-body (a 200 whose JSON ends early)
 * is a failure of that attempt, which the retry policy sends again for a GET, instead of surfacing to the
 * caller after the loop has already returned. The parsed value rides on the response (`json`) so it is
 * parsed once.
 */
export function jsonBodyPolicy(): Policy {
  return {
    name: 'jsonBody',
    async send(request, next) {
      const response = await next(request);
      if (response.status < 200 || response.status > 299 || response.json !== undefined) return response;
      return { ...response, json: readJsonBody(request, response) };
    },
  };
}
