/** The admin account of a fresh Dify (`POST /setup`) and the console login. */
import { type ConsoleClient, describeFailure, SetupError } from './console-client.ts';
import type { Progress } from './progress.ts';

/** Creates the admin on a fresh instance when `initAdmin` names one; says so when it exists already. */
export async function ensureAdmin(
  client: ConsoleClient,
  account: { email: string; password: string; initAdmin: string | undefined },
  progress: Progress,
): Promise<void> {
  const state = await client.call('GET', '/setup');
  if (state.status === 404 || state.body === undefined)
    throw new SetupError(
      `no Dify console API at ${client.origin}/console/api (GET /setup → ${state.status}): give the API origin with --console (self-hosted: port 5001, or the web origin behind nginx)`,
    );
  if (state.status !== 200)
    throw new SetupError(`admin check failed: GET /setup → ${describeFailure(state)}`);
  if (state.body.step === 'finished') {
    if (account.initAdmin !== undefined) progress.kept('admin account already set up (--init-admin skipped)');
    return;
  }
  if (account.initAdmin === undefined)
    throw new SetupError(
      `this Dify has no admin account yet: add --init-admin NAME to create ${account.email} with the given password`,
    );
  const created = await client.call('POST', '/setup', {
    email: account.email,
    name: account.initAdmin,
    password: account.password,
  });
  if (created.status !== 201 && created.status !== 200)
    throw new SetupError(`admin setup failed: ${describeFailure(created)}`);
  progress.changed(`admin account created: ${account.email} (${account.initAdmin})`);
}

export async function login(
  client: ConsoleClient,
  account: { email: string; password: string },
  progress: Progress,
): Promise<void> {
  const outcome = await client.login(account.email, account.password);
  if (outcome.ok) {
    const session = outcome.style === 'cookie' ? 'cookie session with CSRF token' : 'token session';
    const password =
      outcome.password === 'base64' ? 'password sent base64-encoded' : 'plain password, an older Dify';
    progress.kept(`logged in as ${account.email} (${session}, ${password})`);
    return;
  }
  const { answer } = outcome;
  const reason = describeFailure(answer);
  const how = outcome.both
    ? 'password sent base64-encoded as Dify ≥ 1.11 wants, then plain as older Dify wants'
    : 'password sent base64-encoded, as this Dify wants';
  const hint =
    answer.status === 401 || answer.status === 400
      ? 'wrong --email or --password?'
      : answer.status === 429
        ? 'too many failed logins: wait, then retry'
        : 'is --console the Dify API origin?';
  throw new SetupError(`login failed: ${reason} (${how}; ${hint})`);
}
