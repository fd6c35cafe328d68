/** What `GET /api/session` answers: show the sign-in page when `authRequired && !authenticated`. */
export interface SessionState {
  authenticated: boolean;
  authRequired: boolean;
}

/** A refused sign-in, with the server's own message (wrong password, too many attempts…). */
export class SignInError extends Error {
  readonly status: number;
  /** Seconds until the next attempt is allowed, on 429. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, status: number, retryAfterSeconds?: number) {
    super(message);
    this.name = 'SignInError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function isSessionState(value: unknown): value is SessionState {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SessionState).authenticated === 'boolean' &&
    typeof (value as SessionState).authRequired === 'boolean'
  );
}

async function sessionRequest(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  body?: unknown,
): Promise<SessionState> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/session`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new SignInError('The server cannot be reached. Check your connection and try again.', 0);
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok && isSessionState(json)) return json;
  const message =
    typeof json === 'object' && json !== null && 'message' in json
      ? String(json.message)
      : `The server answered ${response.status}`;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new SignInError(
    message,
    response.status,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** The plain HTTP session routes (not tRPC: the cookie must be set before any tRPC call). */
export const sessionApi = {
  get: (baseUrl: string) => sessionRequest(baseUrl, 'GET'),
  signIn: (baseUrl: string, password: string) => sessionRequest(baseUrl, 'POST', { password }),
  signOut: (baseUrl: string) => sessionRequest(baseUrl, 'DELETE'),
};
