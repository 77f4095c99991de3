/**
 * Structural checks of deploy/: docker and a cluster cannot run here, so the manifests are parsed
 * and cross-checked, and the command of every container is expanded as the pod would (Kubernetes
 * `$(VAR)`, the segment pod's real /bin/sh) and parsed and resolved by the real CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { resolveOwnOptions } from '../../src/cli/command-options.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { typedFlags } from '../../src/cli/run-options.ts';
import { MASTER_OPTIONS, parseMasterOptions } from '../../src/distributed/master-options.ts';
import { resolveRunConfig } from '../../src/run-config/resolve.ts';
import { parseStartAt } from '../../src/segments/start-at.ts';
import { WEB_OPTIONS, webOptionsOf } from '../../src/web/options.ts';

const dir = new URL('../../deploy/kubernetes/', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, checked field by field below
type Doc = any;

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(new URL(file, dir), 'utf8'));
  for (const doc of docs) assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
  return docs.map((d) => d.toJS());
}

const live = ['configmap.yaml', 'master.yaml', 'workers.yaml'].flatMap(load);
const segmentDocs = [
  'segments/configmap.yaml',
  'segments/results.yaml',
  'segments/job.yaml',
  'segments/merge-job.yaml',
].flatMap(load);
const findIn = (docs: Doc[], kind: string, name: string): Doc => {
  const found = docs.find((d) => d.kind === kind && d.metadata?.name === name);
  assert.ok(found, `${kind} ${name} exists`);
  return found;
};
const find = (kind: string, name: string): Doc => findIn(live, kind, name);
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const containerOf = (doc: Doc): Doc => doc.spec.template.spec.containers[0];

/** Parses argv with the real CLI; the command's action is replaced by what `check` does with it. */
async function parseCli(argv: string[], check: (flags: Record<string, unknown>, opts: Doc) => void) {
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === argv[0]);
  assert.ok(cmd, `${argv[0]} is a streamload command`);
  let called = false;
  cmd.action(() => {
    called = true;
    check(typedFlags(cmd), cmd.opts());
  });
  await program.parseAsync(argv, { from: 'user' });
  assert.ok(called, `${argv.join(' ')}: parsed`);
}

/** Kubernetes' `$(VAR)` expansion of container args. */
const expand = (args: string[], env: Record<string, string>): string[] =>
  args.map((arg) =>
    arg.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => {
      assert.ok(name in env, `${arg}: ${name} is defined`);
      return env[name]!;
    }),
  );

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
// As deploy/README.md makes them (openssl rand -hex 16): a non-loopback web token needs 16 characters.
const env = { STREAMLOAD_WEB_TOKEN: '0123456789abcdef0123456789abcdef', STREAMLOAD_MASTER_TOKEN: 'y' };

test('kinds and names: ConfigMap, master Deployment + Service, workers Indexed Job', () => {
  assert.deepEqual(live.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`).sort(), [
    'apps/v1 Deployment streamload-master',
    'batch/v1 Job streamload-worker',
    'v1 ConfigMap streamload-run',
    'v1 Service streamload-master',
  ]);
  const kustomization = load('kustomization.yaml')[0];
  assert.deepEqual(kustomization.resources.sort(), ['configmap.yaml', 'master.yaml', 'workers.yaml']);
});

test('workers are an Indexed Job whose finished pods are never restarted (no Deployment)', () => {
  const workers = find('Job', 'streamload-worker');
  assert.equal(workers.spec.completionMode, 'Indexed');
  assert.equal(workers.spec.parallelism, workers.spec.completions);
  assert.equal(workers.spec.template.spec.restartPolicy, 'Never');
  assert.ok(!live.some((d) => d.kind === 'Deployment' && d.metadata.name.includes('worker')));
});

test('selectors match their pod labels, and the Service selects the master only', () => {
  const master = find('Deployment', 'streamload-master');
  const workers = find('Job', 'streamload-worker');
  assert.ok(matches(master.spec.selector.matchLabels, master.spec.template.metadata.labels));
  const service = find('Service', 'streamload-master');
  assert.ok(matches(service.spec.selector, master.spec.template.metadata.labels));
  assert.ok(!matches(service.spec.selector, workers.spec.template.metadata.labels));
});

test('master and workers share the master token from one Secret (the master binds 0.0.0.0)', () => {
  for (const doc of [find('Deployment', 'streamload-master'), find('Job', 'streamload-worker')]) {
    const token = containerOf(doc).env?.find((e: Doc) => e.name === 'STREAMLOAD_MASTER_TOKEN');
    assert.deepEqual(
      token?.valueFrom?.secretKeyRef,
      { name: 'streamload-master-token', key: 'token' },
      doc.metadata.name,
    );
  }
});

test('port 5557 end to end: master listens on all interfaces there, Service exposes it, workers dial it', () => {
  const container = containerOf(find('Deployment', 'streamload-master'));
  assert.equal(container.args[0], 'master');
  assert.ok(container.args.includes('--master-port=5557'));
  assert.ok(container.args.includes('--master-host=0.0.0.0'), 'a pod must bind beyond 127.0.0.1');
  const port = container.ports.find((p: Doc) => p.containerPort === 5557);
  assert.ok(port);
  const service = find('Service', 'streamload-master');
  const servicePort = service.spec.ports[0];
  assert.equal(servicePort.port, 5557);
  assert.equal(servicePort.targetPort, port.name);

  const worker = containerOf(find('Job', 'streamload-worker'));
  assert.equal(worker.args[0], 'worker');
  assert.ok(worker.args.includes(`--master-host=${service.metadata.name}`));
  assert.ok(worker.args.includes(`--master-port=${servicePort.port}`));
});

test('live variant: the master expects as many workers as the Job runs, and its command parses with the real CLI', async () => {
  const config = find('ConfigMap', 'streamload-run');
  const workers = find('Job', 'streamload-worker');
  assert.equal(Number(config.data.EXPECT_WORKERS), workers.spec.completions);
  const master = containerOf(find('Deployment', 'streamload-master'));
  assert.ok(master.envFrom.some((e: Doc) => e.configMapRef?.name === 'streamload-run'));
  const argv = expand(master.args, { ...config.data, POD_IP: '10.1.2.3' });
  await parseCli(argv, (flags) => {
    const options = parseMasterOptions(resolveOwnOptions(MASTER_OPTIONS, flags, { env, cwd: '/' }));
    assert.equal(options.expectWorkers, workers.spec.completions);
    const run = resolveRunConfig({ flags, env: {}, cwd: '/' });
    assert.equal(run.target, config.data.TARGET.replace(/\/+$/, ''));
    assert.equal(webOptionsOf(resolveOwnOptions(WEB_OPTIONS, flags, { env, cwd: '/' })).host, '0.0.0.0');
  });
  await parseCli(containerOf(workers).args, () => {});
});

test('every pod carries Prometheus scrape annotations, pointing at a port it serves', () => {
  for (const doc of [...live, ...segmentDocs].filter((d) => d.spec?.template !== undefined)) {
    const annotations = doc.spec.template.metadata.annotations ?? {};
    assert.ok(['true', 'false'].includes(annotations['prometheus.io/scrape']), doc.metadata.name);
    if (annotations['prometheus.io/scrape'] !== 'true') continue;
    assert.equal(annotations['prometheus.io/path'], '/metrics');
    const ports = containerOf(doc).ports.map((p: Doc) => String(p.containerPort));
    assert.ok(ports.includes(annotations['prometheus.io/port']), doc.metadata.name);
  }
});

test('segments variant: an Indexed Job of SEGMENTS pods on one volume, then a merge Job', () => {
  const config = findIn(segmentDocs, 'ConfigMap', 'streamload-segments');
  const job = findIn(segmentDocs, 'Job', 'streamload-segments');
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.parallelism, Number(config.data.SEGMENTS));
  assert.equal(job.spec.completions, Number(config.data.SEGMENTS));
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  assert.equal(typeof parseStartAt(config.data.START_AT), 'number', 'START_AT is an ISO time');
  const claim = findIn(segmentDocs, 'PersistentVolumeClaim', 'streamload-results');
  assert.deepEqual(claim.spec.accessModes, ['ReadWriteMany']);
  const merge = findIn(segmentDocs, 'Job', 'streamload-merge');
  for (const doc of [job, merge]) {
    assert.equal(doc.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, claim.metadata.name);
    assert.equal(containerOf(doc).volumeMounts[0].mountPath, '/results');
  }
  const kustomization = load('segments/kustomization.yaml')[0];
  assert.deepEqual(kustomization.resources.sort(), ['configmap.yaml', 'job.yaml', 'results.yaml']);
});

test('each segment pod’s command, expanded by /bin/sh, parses with the real CLI: segment k+1/N, one start, its own folder', async () => {
  const config = findIn(segmentDocs, 'ConfigMap', 'streamload-segments');
  const job = findIn(segmentDocs, 'Job', 'streamload-segments');
  const container = containerOf(job);
  assert.deepEqual(container.command, ['/bin/sh', '-c']);
  // The pod's own shell does the expansion; `exec node bin/streamload.js` becomes a NUL-separated print.
  const script = (container.args[0] as string).replace(/^exec node bin\/streamload\.js /, "printf '%s\\0' ");
  const startAt = inAnHour();
  const folders: string[] = [];
  for (let index = 0; index < job.spec.completions; index++) {
    const shell = spawnSync('/bin/sh', ['-c', script], {
      env: { ...config.data, START_AT: startAt, JOB_COMPLETION_INDEX: String(index), POD_IP: '10.1.2.3' },
      encoding: 'utf8',
    });
    assert.equal(shell.status, 0, shell.stderr);
    const argv = shell.stdout.split('\0').slice(0, -1);
    assert.equal(argv[0], 'run');
    await parseCli(argv, (flags) => {
      const run = resolveRunConfig({ flags, env: {}, cwd: '/' });
      assert.deepEqual(run.segment, { index, of: job.spec.completions });
      assert.equal(run.startAt, Date.parse(startAt));
      assert.equal(run.users, Number(config.data.USERS));
      folders.push(String(run.out));
      assert.equal(webOptionsOf(resolveOwnOptions(WEB_OPTIONS, flags, { env, cwd: '/' })).host, '0.0.0.0');
    });
  }
  assert.equal(new Set(folders).size, job.spec.completions, 'one folder per segment');
  const merge = containerOf(findIn(segmentDocs, 'Job', 'streamload-merge'));
  assert.ok(
    folders.every((f) => f.startsWith(`${merge.args[1]}/`)),
    'the merge reads the segments’ folders',
  );
  await parseCli(merge.args, (_flags, opts) => {
    assert.ok(!String(opts.out).startsWith(`${merge.args[1]}/`), 'the merged run is not one of its inputs');
  });
});

test('the Dockerfile builds on node:24-slim with npm ci and npm run build', () => {
  const dockerfile = readFileSync(new URL('../Dockerfile', dir), 'utf8');
  assert.match(dockerfile, /^FROM node:24-slim/m);
  assert.match(dockerfile, /^RUN npm ci$/m);
  assert.match(dockerfile, /^RUN npm run build$/m);
  assert.match(dockerfile, /^EXPOSE 5557/m);
  assert.match(dockerfile, /ENTRYPOINT \["node", "bin\/streamload\.js"\]/);
  assert.match(dockerfile, /^WORKDIR \/app$/m, 'the segment pods run bin/streamload.js from /app');
});

test('the optional PodMonitor scrapes the master web port with the web token secret', () => {
  const [monitor] = load('podmonitor.yaml');
  assert.equal(monitor.kind, 'PodMonitor');
  const master = find('Deployment', 'streamload-master');
  assert.ok(matches(monitor.spec.selector.matchLabels, master.spec.template.metadata.labels));
  const endpoint = monitor.spec.podMetricsEndpoints[0];
  assert.ok(containerOf(master).ports.some((p: Doc) => p.name === endpoint.port && p.containerPort === 8089));
  assert.equal(endpoint.path, '/metrics');
  const tokenEnv = containerOf(master).env.find((e: Doc) => e.name === 'STREAMLOAD_WEB_TOKEN');
  assert.deepEqual(endpoint.authorization.credentials, tokenEnv.valueFrom.secretKeyRef);
});
