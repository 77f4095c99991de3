/**
 * A virtual user: one user class of the scenario, its context (ctx.sse / ctx.http bound to the
 * engine's hot path), weighted task choice and think time. Executors decide when it iterates.
 */
import { parseDurationMs } from '../cli/parse.ts';
import type { RunConfig } from '../config/types.ts';
import type { RequestResult } from '../metrics/types.ts';
import type { Protocol, ProtocolRequest } from '../protocols/types.ts';
import type { Random } from '../util/random.ts';

import { describeThrown } from '../util/thrown.ts';

import type { RequestControls } from './request-controls.ts';

import type {
  RequestOptions,
  ScenarioDefinition,
  TaskContext,
  TaskDefinition,
  UserClassDefinition,
} from './scenario/define.ts';
import { type RequestDeps, sendRequest } from './stream-request.ts';

export interface UserFactoryDeps {
  readonly config: RunConfig;
  readonly protocol: Protocol;
  readonly request: RequestDeps;
  readonly random: Random;
  readonly scenario: ScenarioDefinition;
  /** Client-side controls shared by every user of this process (src/controls/). */
  readonly controls: RequestControls;
  /** Scenario code threw (not a request failure: those are recorded by the hot path). */
  readonly onTaskError: (message: string) => void;
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

function parseWait(
  wait: UserClassDefinition['wait'],
  fallback: readonly [number, number],
): readonly [number, number] {
  if (wait === undefined) return fallback;
  if (typeof wait !== 'string') return wait;
  const [a, b] = wait.split('-').map((p) => parseDurationMs(p) ?? 0);
  return [a ?? 0, b ?? a ?? 0];
}

export function createUserFactory(deps: UserFactoryDeps): (index: number) => VirtualUser {
  const { config, protocol, random } = deps;
  const responseMode = config.responseMode;

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
      headers: { ...base.headers, ...options.headers },
      ...(body === undefined ? {} : { body }),
    };
  }

  return (index) => {
    const userClass = pickWeighted(deps.scenario.users, random);
    const wait = parseWait(userClass.wait, config.waitMs);
    const id = `streamload-user-${index}`;
    let lag: number | undefined;
    let requests = 0;
    /** Inside ctx.withRetry: each request is one gated attempt of the enclosing operation. */
    let withinOperation = 0;
    const question = () => config.questions[random.int(0, config.questions.length - 1)] as string;
    const protocolRequest = () =>
      protocol.buildRequest({ question: question(), inputs: config.inputs, user: id, responseMode });

    const send = (
      request: ProtocolRequest,
      stream: boolean,
      withProtocol: boolean,
    ): Promise<RequestResult> => {
      let scheduleLagMs = lag;
      requests++;
      lag = undefined; // only the iteration's first request started late
      const attempt = () => {
        const options = {
          stream,
          ...(withProtocol ? { protocol } : {}),
          ...(scheduleLagMs === undefined ? {} : { scheduleLagMs }),
        };
        scheduleLagMs = undefined; // a retry is not late
        return sendRequest(deps.request, request, options);
      };
      const { controls } = deps;
      if (withinOperation > 0) return controls.gate(attempt, request);
      return controls.active ? controls.operation(attempt, request) : attempt();
    };

    const ctx: TaskContext = {
      sse: (options) =>
        send(
          toRequest(protocolRequest(), options),
          responseMode === 'streaming' || options !== undefined,
          true,
        ),
      http: (options) =>
        send(
          toRequest(
            { method: 'GET', path: '/', name: options.path ?? '/', headers: {} },
            { method: 'GET', ...options },
          ),
          false,
          false,
        ),
      question,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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
        // A bug in scenario code must not end the run; the run reports it as a warning.
        deps.onTaskError(`${name}: ${describeThrown(error)}`);
      }
    }

    return {
      index,
      onStart: () =>
        userClass.onStart
          ? guarded(`${userClass.name}.onStart`, () => userClass.onStart!(ctx))
          : Promise.resolve(),
      onStop: () =>
        userClass.onStop
          ? guarded(`${userClass.name}.onStop`, () => userClass.onStop!(ctx))
          : Promise.resolve(),
      iterate(scheduleLagMs) {
        lag = scheduleLagMs;
        const task: TaskDefinition = pickWeighted(userClass.tasks, random);
        return guarded(task.name ?? 'task', () => task.run(ctx));
      },
      requestCount: () => requests,
      waitMs: () => (wait[1] <= wait[0] ? wait[0] : wait[0] + random.next() * (wait[1] - wait[0])),
    };
  };
}
