/** Workspace-wide setup: marketplace plugins, the OpenAI-compatible model provider, DSL dependencies. */
import { type ConsoleClient, describeFailure, SetupError } from './console-client.ts';
import { type DslFile, pluginId } from './dsl-file.ts';
import type { Progress } from './progress.ts';

/** The provider that Dify's OpenAI plugin registers (plugin era; pre-1.0 Dify named it `openai`). */
export const OPENAI_PROVIDER = 'langgenius/openai/openai';
/** Install tasks are polled this often, at most this many times (Dify downloads from its marketplace). */
const POLL_MS = 2_000;
const POLL_LIMIT = 90;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function installPlugin(
  client: ConsoleClient,
  identifier: string,
  progress: Progress,
): Promise<void> {
  const started = await client.call('POST', '/workspaces/current/plugin/install/marketplace', {
    plugin_unique_identifiers: [identifier],
  });
  if (started.status === 409 || started.body?.all_installed === true) {
    progress.kept(`plugin ${pluginId(identifier)} already installed`);
    return;
  }
  const taskId = started.body?.task_id;
  if (started.status !== 200 || typeof taskId !== 'string' || taskId === '')
    throw new SetupError(`plugin install failed (${identifier}): ${describeFailure(started)}`);
  for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
    await sleep(POLL_MS);
    const polled = await client.call('GET', `/workspaces/current/plugin/tasks/${encodeURIComponent(taskId)}`);
    const task = polled.body?.task;
    if (polled.status !== 200 || task === undefined)
      throw new SetupError(`plugin install task ${taskId} cannot be read: ${describeFailure(polled)}`);
    if (task.status === 'success') {
      progress.changed(`plugin ${pluginId(identifier)} installed`);
      return;
    }
    if (task.status === 'failed') {
      const why = (Array.isArray(task.plugins) ? task.plugins : [])
        .map((p: { plugin_id?: string; message?: string }) => `${p.plugin_id}: ${p.message}`)
        .join('; ');
      throw new SetupError(`plugin install failed (${identifier}): ${why || 'task failed'}`);
    }
  }
  throw new SetupError(
    `plugin install of ${identifier} still running after ${(POLL_MS * POLL_LIMIT) / 1000} s: check the console's plugin page, then re-run`,
  );
}

/** Points the OpenAI provider at `baseUrl`, unless its current credentials already do. */
export async function configureLlm(
  client: ConsoleClient,
  llm: { baseUrl: string; apiKey: string | undefined },
  progress: Progress,
): Promise<void> {
  const path = `/workspaces/current/model-providers/${OPENAI_PROVIDER}/credentials`;
  const current = await client.call('GET', path);
  const base = current.body?.credentials?.openai_api_base;
  if (current.status === 200 && typeof base === 'string' && base.replace(/\/+$/, '') === llm.baseUrl) {
    progress.kept(`model provider ${OPENAI_PROVIDER} already points at ${llm.baseUrl}`);
    return;
  }
  const saved = await client.call('POST', path, {
    credentials: {
      openai_api_key: llm.apiKey ?? 'sk-streamload',
      openai_organization: null,
      openai_api_base: llm.baseUrl,
    },
  });
  if (saved.status !== 200 && saved.status !== 201)
    throw new SetupError(
      `model provider credentials failed: ${describeFailure(saved)} (is the OpenAI plugin installed? --install-plugin langgenius/openai:VERSION@HASH; does Dify reach ${llm.baseUrl}?)`,
    );
  progress.changed(`model provider ${OPENAI_PROVIDER} → ${llm.baseUrl}`);
}

/** Names the DSL's marketplace plugins that this Dify lacks, before anything is imported. */
export async function checkDependencies(client: ConsoleClient, dsl: DslFile): Promise<void> {
  if (dsl.plugins.length === 0) return;
  const listed = await client.call('GET', '/workspaces/current/plugin/list?page=1&page_size=256');
  // Dify before 1.0 has no plugins (and no list): nothing can be missing there.
  if (listed.status === 404) return;
  if (listed.status !== 200 || !Array.isArray(listed.body?.plugins))
    throw new SetupError(`cannot list installed plugins: ${describeFailure(listed)}`);
  const installed = new Set(listed.body.plugins.map((p: { plugin_id?: string }) => p.plugin_id));
  const missing = dsl.plugins.filter((id) => !installed.has(pluginId(id)));
  if (missing.length > 0)
    throw new SetupError(
      `${dsl.file} needs plugins this Dify lacks: ${missing.map(pluginId).join(', ')} (add ${missing.map((id) => `--install-plugin ${id}`).join(' ')})`,
    );
}
