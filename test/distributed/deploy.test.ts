/** Structural checks of deploy/: docker cannot run here, so the manifests are parsed and cross-checked. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';

const dir = new URL('../../deploy/kubernetes/', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, checked field by field below
type Doc = any;

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(new URL(file, dir), 'utf8'));
  for (const doc of docs) assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
  return docs.map((d) => d.toJS());
}

const all = ['configmap.yaml', 'master.yaml', 'workers.yaml'].flatMap(load);
const find = (kind: string, name: string): Doc => {
  const found = all.find((d) => d.kind === kind && d.metadata?.name === name);
  assert.ok(found, `${kind} ${name} exists`);
  return found;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test('kinds and names: ConfigMap, master Deployment + Service, workers Deployment', () => {
  assert.deepEqual(all.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`).sort(), [
    'apps/v1 Deployment streamload-master',
    'apps/v1 Deployment streamload-worker',
    'v1 ConfigMap streamload-run',
    'v1 Service streamload-master',
  ]);
  const kustomization = load('kustomization.yaml')[0];
  assert.deepEqual(kustomization.resources.sort(), ['configmap.yaml', 'master.yaml', 'workers.yaml']);
});

test('selectors match their pod labels, and the Service selects the master only', () => {
  const master = find('Deployment', 'streamload-master');
  const workers = find('Deployment', 'streamload-worker');
  for (const d of [master, workers]) {
    assert.ok(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name);
  }
  const service = find('Service', 'streamload-master');
  assert.ok(matches(service.spec.selector, master.spec.template.metadata.labels));
  assert.ok(!matches(service.spec.selector, workers.spec.template.metadata.labels));
});

test('master and workers share the master token from one Secret (the master binds 0.0.0.0)', () => {
  for (const name of ['streamload-master', 'streamload-worker']) {
    const container = find('Deployment', name).spec.template.spec.containers[0];
    const token = container.env?.find((e: Doc) => e.name === 'STREAMLOAD_MASTER_TOKEN');
    assert.deepEqual(token?.valueFrom?.secretKeyRef, { name: 'streamload-master-token', key: 'token' }, name);
  }
});

test('port 5557 end to end: master listens on all interfaces there, Service exposes it, workers dial it', () => {
  const master = find('Deployment', 'streamload-master');
  const container = master.spec.template.spec.containers[0];
  assert.equal(container.args[0], 'master');
  assert.ok(container.args.includes('--master-port=5557'));
  assert.ok(container.args.includes('--master-host=0.0.0.0'), 'a pod must bind beyond 127.0.0.1');
  const port = container.ports.find((p: Doc) => p.containerPort === 5557);
  assert.ok(port);
  const service = find('Service', 'streamload-master');
  const servicePort = service.spec.ports[0];
  assert.equal(servicePort.port, 5557);
  assert.equal(servicePort.targetPort, port.name);

  const worker = find('Deployment', 'streamload-worker').spec.template.spec.containers[0];
  assert.equal(worker.args[0], 'worker');
  assert.ok(worker.args.includes(`--master-host=${service.metadata.name}`));
  assert.ok(worker.args.includes(`--master-port=${servicePort.port}`));
});

test('the master reads its run options from the ConfigMap, and expects as many workers as there are replicas', () => {
  const config = find('ConfigMap', 'streamload-run');
  const master = find('Deployment', 'streamload-master').spec.template.spec.containers[0];
  assert.ok(master.envFrom.some((e: Doc) => e.configMapRef?.name === 'streamload-run'));
  const env = new Set([...Object.keys(config.data), ...(master.env ?? []).map((e: Doc) => e.name)]);
  for (const arg of master.args as string[]) {
    for (const [, name] of arg.matchAll(/\$\(([A-Z_]+)\)/g))
      assert.ok(env.has(name!), `${arg}: ${name} is defined`);
  }
  const workers = find('Deployment', 'streamload-worker');
  assert.equal(Number(config.data.EXPECT_WORKERS), workers.spec.replicas);
});

test('the Dockerfile builds on node:24-slim with npm ci and npm run build', () => {
  const dockerfile = readFileSync(new URL('../Dockerfile', dir), 'utf8');
  assert.match(dockerfile, /^FROM node:24-slim/m);
  assert.match(dockerfile, /^RUN npm ci$/m);
  assert.match(dockerfile, /^RUN npm run build$/m);
  assert.match(dockerfile, /^EXPOSE 5557/m);
  assert.match(dockerfile, /ENTRYPOINT \["node", "bin\/streamload\.js"\]/);
});
