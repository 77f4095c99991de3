/**
 * The workflow app's Service API: `POST /v1/workflows/run` (blocking or streaming), the run's
 * detail (`GET /v1/workflows/run/:id`) and stopping a task (`POST …/:task_id/stop`).
 */
import type { ServerResponse } from 'node:http';
import type { RouteCall } from '../shared/router.ts';
import { isGraphApp, startVariables } from './app.ts';
import type { AppContext, Served } from './app-context.ts';
import { validateInputs } from './inputs.ts';
import { difyError, sendBlocking, sendRestx } from './responses.ts';
import { NO_OUTPUT, type RunRecord, runWorkflow } from './runner.ts';

const WRONG_ROUTE = 'Please check if your app mode matches the right API route.';

export function createWorkflowRoutes(ctx: AppContext) {
  const { stats, runs } = ctx;

  async function run({ res, body, context }: RouteCall<Served>): Promise<void> {
    const { app, services } = context;
    if (app.mode !== 'workflow') return wrongRoute(res, 'not_workflow_app');
    const mode = body.response_mode ?? 'blocking';
    if (mode !== 'streaming' && mode !== 'blocking')
      return difyError(res, 400, 'invalid_param', 'response_mode must be streaming or blocking');
    if (typeof body.user !== 'string' || body.user === '')
      return difyError(res, 400, 'invalid_param', 'Arg user must be provided.');
    const validated = validateInputs(startVariables(app), body.inputs);
    if (!validated.ok) return difyError(res, 400, 'invalid_param', validated.message);
    const record = ctx.beginRun(res, app, body.user, validated.inputs);
    if (mode === 'blocking') {
      await runWorkflow(app, record, services, NO_OUTPUT);
      if (record.status === 'failed') stats.failed++;
      return sendBlocking(res, {
        task_id: record.taskId,
        workflow_run_id: record.id,
        data: runDetail(record, false),
      });
    }
    const sink = ctx.openStream(res, { workflow_run_id: record.id, task_id: record.taskId });
    await runWorkflow(app, record, services, sink);
    if (record.status === 'failed') stats.failed++;
    sink.end();
  }

  function detail({ res, params, context }: RouteCall<Served>): void {
    if (!isGraphApp(context.app)) {
      wrongRoute(res, 'not_workflow_app');
      return;
    }
    const record = runs.byId(params.id as string);
    if (record === undefined) difyError(res, 404, 'not_found', 'Workflow run not found.');
    else sendRestx(res, 200, runDetail(record, true));
  }

  /** Stops a running task (workflow or chatflow); Dify answers success for an unknown or finished one. */
  function stop({ res, params }: RouteCall<Served>): void {
    const record = runs.byTask(params.id as string);
    if (record !== undefined && record.status === 'running') record.abort.abort();
    sendRestx(res, 200, { result: 'success' });
  }

  return { run, detail, stop };
}

function runDetail(run: RunRecord, withInputs: boolean) {
  return {
    id: run.id,
    workflow_id: run.workflowId,
    status: run.status,
    ...(withInputs ? { inputs: run.inputs } : {}),
    outputs: run.outputs,
    error: run.error,
    elapsed_time: run.elapsedTime,
    total_tokens: run.totalTokens,
    total_steps: run.totalSteps,
    created_at: run.createdAt,
    finished_at: run.finishedAt,
  };
}

/** Answers a request made with a workflow app's key on a chat route (and the other way round). */
export function wrongRoute(
  res: ServerResponse,
  code: 'not_workflow_app' | 'not_chat_app' | 'not_completion_app',
): void {
  difyError(
    res,
    400,
    code,
    code === 'not_completion_app'
      ? 'Please check if your Completion app mode matches the right API route.'
      : WRONG_ROUTE,
  );
}
