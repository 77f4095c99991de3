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
  if (typeof outcome === 'string') {
    progress.kept(
      `logged in as ${account.email} (${outcome === 'cookie' ? 'cookie session with CSRF token' : 'token session'})`,
    );
    return;
  }
  const reason = describeFailure(outcome);
  // Dify's optional field encryption (`decrypt_password_field`) rejects a plain password.
  const hint = /encrypt|decrypt/i.test(reason)
    ? 'this Dify expects an encrypted password field, which streamload does not send: turn that option off for setup'
    : outcome.status === 401 || outcome.status === 400
      ? 'wrong --email or --password?'
      : outcome.status === 429
        ? 'too many failed logins: wait, then retry'
        : 'is --console the Dify API origin?';
  throw new SetupError(`login failed: ${reason} (${hint})`);
}
