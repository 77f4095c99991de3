/**
 * A virtual user: one user class of the scenario, its context (ctx.sse / ctx.http bound to the
 * engine's hot path), weighted task choice and think time. Executors decide when it iterates.
 */

import type { ValuesOf } from '../config/option.ts';
import { parseWait as parseWaitSpec } from '../config/units.ts';
import { backoffDelayMs } from '../controls/backoff.ts';
import { authHeaders } from '../protocols/index.ts';
import type { ProtocolConfig } from '../protocols/options.ts';
import type { Protocol, ProtocolRequest } from '../protocols/types.ts';
import type { SEGMENT_OPTIONS } from '../segments/options.ts';
import type { Mutable } from '../util/mutable.ts';
import type { Random } from '../util/random.ts';
import { describeThrown } from '../util/thrown.ts';
import type { LOAD_OPTIONS } from './load-options.ts';
import { BudgetSpent, type RequestBudget } from './request-budget.ts';
import type { RequestControls } from './request-controls.ts';
import type {
  RequestOptions,
  ScenarioDefinition,
  ScenarioResponse,
  TaskContext,
  TaskDefinition,
  UserClassDefinition,
} from './scenario/define.ts';
import {
  createKeptResponse,
  type KeptResponse,
  type ResponseBody,
  responseBody,
} from './scenario/response.ts';
import { createClassDispatcher, segmentPosition } from './scenario/user-classes.ts';
import { type RequestDeps, type SendOptions, sendRequest } from './stream-request.ts';

export interface UserFactoryDeps {
  readonly config: ProtocolConfig &
    Pick<ValuesOf<typeof LOAD_OPTIONS>, 'wait' | 'connectionBackoff'> &
    Pick<ValuesOf<typeof SEGMENT_OPTIONS>, 'segment'>;
  readonly protocol: Protocol;
  readonly request: RequestDeps;
  readonly random: Random;
  readonly scenario: ScenarioDefinition;
  /** Client-side controls shared by every user of this process (src/controls/). */
  readonly controls: RequestControls;
  /** Scenario code threw (not a request failure: those are recorded by the hot path). */
  readonly onTaskError: (message: string) => void;
  /**
   * The timers of `ctx.sleep` calls still waiting: when the run abandons scenario code at its end,
   * it clears them, so a task asleep for minutes cannot keep the process alive after the reports.
   */
  readonly sleeps?: Set<NodeJS.Timeout>;
  /**
   * Keep each response's status, headers and body head for the task (scenario files). Built-in
   * scenarios never read them: their requests keep nothing and resolve with the bare result.
   */
  readonly keepResponses: boolean;
  /** `--iterations`: every request takes one unit; none left ends the task (BudgetSpent). */
  readonly budget?: RequestBudget;
  /** The users of a class changed: created, or stopped (the recorder's per-class gauge). */
  readonly onClassUsers?: (className: string, users: number) => void;
}

/** Header names as undici sends them (lower case), so a task's `Authorization` replaces the run's. */
function lowerCaseNames(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers !== undefined)
    for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

export interface VirtualUser {
  readonly index: number;
  onStart(): Promise<void>;
  /** One weighted task; errors thrown by a task's own code are counted, never fatal. */
  iterate(scheduleLagMs?: number): Promise<void>;
  onStop(): Promise<void>;
  /** Think time before the next iteration, in ms. */
  waitMs(): number;
  /** Requests this user has started so far (an iteration that started none did no I/O). */
  requestCount(): number;
}

export function pickWeighted<T extends { readonly weight?: number }>(items: readonly T[], random: Random): T {
  const total = items.reduce((sum, item) => sum + (item.weight ?? 1), 0);
  let point = random.next() * total;
  for (const item of items) {
    point -= item.weight ?? 1;
    if (point < 0) return item;
  }
  return items[items.length - 1] as T;
}

function userWait(
  wait: UserClassDefinition['wait'],
  fallback: readonly [number, number],
): readonly [number, number] {
  if (wait === undefined) return fallback;
  // A string was checked when the scenario loaded (scenario/validate.ts): the same parser as --wait.
  return typeof wait === 'string' ? parseWaitSpec(wait) : wait;
}

/**
 * Makes the run's users. `index` counts every user made (ctx.user.index, the user id); `position`
 * is the user's place among the users running now (the executor's), which decides its class.
 */
export type CreateUser = (index: number, position: number) => VirtualUser;

export function createUserFactory(deps: UserFactoryDeps): CreateUser {
  const { config, protocol, random } = deps;
  const classes = createClassDispatcher(deps.scenario.users);
  const classUsers = new Map<string, number>();
  const countUser = (name: string, delta: number): void => {
    const users = (classUsers.get(name) ?? 0) + delta;
    classUsers.set(name, users);
    deps.onClassUsers?.(name, users);
  };
  const { recorder } = deps.request;
  const responseMode = config.responseMode;
  /** What a plain `ctx.http()` carries: the run's Bearer key, `--header`s and User-Agent. */
  const runHeaders = authHeaders(config);

  function toRequest(base: ProtocolRequest, options: RequestOptions | undefined): ProtocolRequest {
    if (options === undefined) return base;
    const body =
      options.body === undefined
        ? base.body
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const path = options.path ?? base.path;
    return {
      method: options.method ?? base.method,
      path,
      name: options.name ?? (options.path === undefined ? base.name : path),
      headers: {
        ...base.headers,
        ...(options.body !== undefined && typeof options.body !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
        ...lowerCaseNames(options.headers),
      },
      ...(body === undefined ? {} : { body }),
    };
  }

  /**
   * A dead target answers at once (refused): without a pause each user would re-send in a tight
   * loop (a retry storm of 10,000s of requests a second, the generator saturated). Equal jitter
   * keeps a floor under the wait and spreads the users apart. `--connection-backoff off` disables it.
   */
  const { minMs, maxMs } = config.connectionBackoff;
  const connectionBackoffMs = (errors: number): number =>
    maxMs === 0 ? 0 : backoffDelayMs(errors, { minMs, maxMs, jitter: 'equal' }, random.next);

  return (index, position) => {
    const userClass = classes.classAt(segmentPosition(position, config.segment ?? null));
    countUser(userClass.name, 1);
    const wait = userWait(userClass.wait, config.wait);
    const id = `streamload-user-${index}`;
    let lag: number | undefined;
    let requests = 0;
    /** Inside ctx.withRetry: each request is one gated attempt of the enclosing operation. */
    let withinOperation = 0;
    /** Connection errors in a row (reset by any answer): the backoff before the next iteration. */
    let unreachable = 0;
    const question = () => config.questions[random.int(0, config.questions.length - 1)] as string;
    const protocolRequest = () =>
      protocol.buildRequest({ question: question(), inputs: config.inputs, user: id, responseMode });

    const sendOnce = async (
      request: ProtocolRequest,
      stream: boolean,
      withProtocol: boolean,
      checks: RequestOptions['check'],
    ): Promise<ScenarioResponse> => {
      if (deps.budget !== undefined && !deps.budget.take()) throw new BudgetSpent();
      let scheduleLagMs = lag;
      requests++;
      lag = undefined; // only the iteration's first request started late
      /** The last attempt's response: a retry replaces what the task will read. */
      let kept: KeptResponse | undefined;
      let body: ResponseBody | undefined;
      const attempt = () => {
        kept = deps.keepResponses ? createKeptResponse() : undefined;
        body = undefined;
        const sink = kept;
        // Set field by field: spreading conditional literals made and copied up to four objects per request.
        const options: Mutable<SendOptions> = { stream };
        if (withProtocol) options.protocol = protocol;
        if (scheduleLagMs !== undefined) options.scheduleLagMs = scheduleLagMs;
        if (sink !== undefined) {
          options.keep = sink;
          if (checks !== undefined) {
            options.verify = () => {
              body = responseBody(sink);
              return runChecks(checks, body);
            };
          }
        }
        scheduleLagMs = undefined; // a retry is not late
        return sendRequest(deps.request, request, options);
      };
      const { controls } = deps;
      const result = await (withinOperation > 0
        ? controls.gate(attempt, request)
        : controls.active
          ? controls.operation(attempt, request)
          : attempt());
      if (result.error === 'connection_error') unreachable++;
      else if (result.cancelled !== true && result.rejected === undefined) unreachable = 0;
      // Built-in scenarios ignore what a request resolves with: no view is made for them.
      if (!deps.keepResponses) return result as ScenarioResponse;
      return { ...result, ...(body ?? responseBody(kept ?? createKeptResponse())) };
    };

    /**
     * Requests a task started and did not await (a `Promise.all` that rejected early, a forgotten
     * promise): the iteration ends only when they have, so the run never closes under them.
     */
    const pending = new Set<Promise<unknown>>();
    const send: typeof sendOnce = (...args) => {
      const promise = sendOnce(...args);
      pending.add(promise);
      promise.then(
        () => pending.delete(promise),
        () => pending.delete(promise),
      );
      return promise;
    };

    /** Every check is counted; the first that fails names the request's failure. */
    function runChecks(checks: NonNullable<RequestOptions['check']>, body: ResponseBody): string | undefined {
      let failed: string | undefined;
      for (const [name, test] of Object.entries(checks)) {
        let ok: boolean;
        try {
          ok = Boolean(test(body));
        } catch {
          ok = false;
        }
        recorder.check(name, ok);
        if (!ok) failed ??= `check "${name}" failed`;
      }
      return failed;
    }

    const ctx: TaskContext = {
      sse: (options) =>
        send(
          toRequest(protocolRequest(), options),
          responseMode === 'streaming' || options !== undefined,
          true,
          options?.check,
        ),
      http: (options) =>
        send(
          toRequest(
            { method: 'GET', path: '/', name: options.path ?? '/', headers: runHeaders },
            { method: 'GET', ...options },
          ),
          false,
          false,
          options.check,
        ),
      check: (name, condition) => {
        const ok = Boolean(condition);
        recorder.check(name, ok);
        return ok;
      },
      question,
      sleep: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => {
            deps.sleeps?.delete(timer);
            resolve();
          }, ms);
          deps.sleeps?.add(timer);
        }),
      async withRetry(fn, options) {
        withinOperation++;
        try {
          return await deps.controls.withRetry(fn, options);
        } finally {
          withinOperation--;
        }
      },
      user: { id, index, className: userClass.name },
      state: {},
    };

    async function guarded(name: string, run: () => Promise<unknown>): Promise<void> {
      try {
        await run();
      } catch (error) {
        // The --iterations budget ran out mid-task: the task ends there, as planned.
        // A bug in scenario code must not end the run; the run reports it as a warning.
        if (!(error instanceof BudgetSpent)) deps.onTaskError(`${name}: ${describeThrown(error)}`);
      }
      if (pending.size > 0) await Promise.allSettled([...pending]);
    }

    return {
      index,
      onStart: () =>
        userClass.onStart
          ? guarded(`${userClass.name}.onStart`, () => userClass.onStart!(ctx))
          : Promise.resolve(),
      async onStop() {
        if (userClass.onStop) await guarded(`${userClass.name}.onStop`, () => userClass.onStop!(ctx));
        countUser(userClass.name, -1);
      },
      iterate(scheduleLagMs) {
        lag = scheduleLagMs;
        const task: TaskDefinition = pickWeighted(userClass.tasks, random);
        return guarded(task.name ?? 'task', () => task.run(ctx));
      },
      requestCount: () => requests,
      waitMs: () => {
        const think = wait[1] <= wait[0] ? wait[0] : wait[0] + random.next() * (wait[1] - wait[0]);
        return unreachable === 0 ? think : Math.max(think, connectionBackoffMs(unreachable));
      },
    };
  };
}
