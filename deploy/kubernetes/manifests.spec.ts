import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { AppConfig, loadConfig } from '@cobrowse/config/app-config';
import { NatsTenancy } from '@cobrowse/local-runtime/nats-identities';
import { registry } from '@cobrowse/observability/metrics';
import { parseApiKeys } from '../../apps/gateway/src/auth/api-keys';

/**
 * The Kubernetes manifests, checked offline. The Go program in deploy/kubernetes/validate
 * (built by deploy/local/provision.sh) renders each overlay with the kustomize library and
 * decodes every object strictly into its Kubernetes or Prometheus Operator type; this file
 * checks what the service needs of them (docs/deploy.md).
 */

const ROOT = join(__dirname, '../..');
const KUBERNETES = join(ROOT, 'deploy/kubernetes');
const VALIDATOR = join(ROOT, '.tools/bin/cobrowse-k8s-validate');
const NATS_SERVER = join(ROOT, '.tools/bin/nats-server');
const OVERLAYS = ['production', 'small'];

const SERVICES = [
  'gateway',
  'session-lifecycle',
  'history-projector',
  'connection-tracker',
  'webhook-dispatcher',
];
const GATEWAY_PORT = 3000;
const PROBE_PORT = 9464;

/** The metric families the services export (libs/observability), with their own labels. */
const METRICS: Record<string, string[]> = {
  cobrowse_http_requests_total: ['method', 'route', 'status'],
  cobrowse_http_request_duration_seconds: ['method', 'route', 'status'],
  cobrowse_sse_clients: ['stream'],
  cobrowse_events_appended_total: ['type'],
  cobrowse_events_rejected_total: ['type', 'code'],
  cobrowse_consumer_pending_messages: ['consumer'],
  cobrowse_consumer_ack_pending_messages: ['consumer'],
  cobrowse_consumer_redelivered_messages: ['consumer'],
  cobrowse_consumer_parked_events: ['consumer'],
  cobrowse_projection_delay_seconds: ['consumer'],
  cobrowse_lease_holder: ['lease'],
  cobrowse_nats_request_duration_seconds: ['target', 'outcome'],
  cobrowse_database_operation_duration_seconds: ['command', 'outcome'],
};
/** Labels every series has: the process's default label, Prometheus's and the operator's target labels, le. */
const TARGET_LABELS = ['service', 'namespace', 'pod', 'job', 'instance', 'container', 'endpoint', 'le'];
const BUILTIN_SERIES = ['up'];

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface K8sObject<Spec = unknown> {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec: Spec;
  data?: Record<string, string>;
}
type PortRef = number | string;
interface Probe {
  httpGet?: { path: string; port: PortRef };
  tcpSocket?: { port: PortRef };
  exec?: { command: string[] };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{
    name: string;
    secret?: { secretName: string };
    projected?: {
      sources: Array<{ secret?: { name: string; items?: Array<{ key: string; path: string }> } }>;
    };
  }>;
}
interface WorkloadSpec {
  replicas?: number;
  serviceName?: string;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  volumeClaimTemplates?: Array<{ metadata: { name: string } }>;
}
interface ServiceSpec {
  clusterIP?: string;
  selector?: Record<string, string>;
  ports: Array<{ name?: string; port: number; targetPort?: PortRef }>;
}
interface PdbSpec {
  selector: { matchLabels: Record<string, string> };
}
interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
  metrics: Array<{ type: string; resource?: { name: string } }>;
}
interface ServiceMonitorSpec {
  selector: { matchLabels?: Record<string, string> };
  endpoints: Array<{ port?: string; path?: string; honorLabels?: boolean }>;
}
interface CertificateSpec {
  secretName: string;
  dnsNames: string[];
}
interface NetworkPolicySpec {
  ingress: Array<{ ports: Array<{ port: PortRef }>; from?: Array<Record<string, unknown>> }>;
}
interface PrometheusRuleSpec {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

type Workload = K8sObject<WorkloadSpec>;

interface Rendering {
  objects: K8sObject[];
  stderr: string;
}

function validatorProblem(): string | null {
  if (!existsSync(VALIDATOR))
    return `${VALIDATOR} is missing: run bash deploy/local/provision.sh (it builds deploy/kubernetes/validate)`;
  const source = join(KUBERNETES, 'validate');
  const files = [
    'go.mod',
    'go.sum',
    ...readdirSync(source)
      .filter((f) => f.endsWith('.go'))
      .sort(),
  ];
  const hash = createHash('sha256')
    .update(Buffer.concat(files.map((f) => readFileSync(join(source, f)))))
    .digest('hex');
  const stamp = join(ROOT, '.tools/bin/.cobrowse-k8s-validate.hash');
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  return built === hash
    ? null
    : `${VALIDATOR} was built from other sources than deploy/kubernetes/validate: run bash deploy/local/provision.sh`;
}

function runValidator(dir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(VALIDATOR, [dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function render(overlay: string): Rendering {
  const problem = validatorProblem();
  if (problem) throw new Error(problem);
  const { status, stdout, stderr } = runValidator(join(KUBERNETES, 'overlays', overlay));
  if (status !== 0) throw new Error(`the validator refused overlays/${overlay} (exit ${status}):\n${stderr}`);
  return { objects: JSON.parse(stdout) as K8sObject[], stderr };
}

const ofKind = <S>(objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as Array<K8sObject<S>>;

function the<S>(objects: K8sObject[], kind: string, name: string): K8sObject<S> {
  const found = ofKind<S>(objects, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendering`);
  return found;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function portNumber(container: Container, port: PortRef): number | undefined {
  if (typeof port === 'number')
    return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The environment a container gets: its ConfigMaps and Secrets resolved (a Secret not rendered gives "external"). */
function environment(objects: K8sObject[], container: Container): Record<string, string> {
  const data = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) return undefined;
    const entries = Object.entries(o.data ?? {});
    return Object.fromEntries(
      kind === 'Secret' ? entries.map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]) : entries,
    );
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, data('ConfigMap', from.configMapRef.name));
    if (from.secretRef) Object.assign(env, data('Secret', from.secretRef.name) ?? {});
  }
  for (const e of container.env ?? []) {
    const secret = e.valueFrom?.secretKeyRef;
    const configMap = e.valueFrom?.configMapKeyRef;
    if (secret) env[e.name] = data('Secret', secret.name)?.[secret.key] ?? 'external';
    else if (configMap) env[e.name] = data('ConfigMap', configMap.name)?.[configMap.key] ?? '';
    else env[e.name] = e.value ?? '';
  }
  return env;
}

/** Every variable AppConfig declares, with or without a default. */
function appConfigNames(): Set<string> {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(AppConfig, '', true, false)
    .map((m) => m.propertyName);
  return new Set([...Object.keys(new AppConfig()), ...validated]);
}

function secretsReferenced(objects: K8sObject[]): Set<string> {
  const names = new Set<string>();
  for (const w of [
    ...ofKind<WorkloadSpec>(objects, 'Deployment'),
    ...ofKind<WorkloadSpec>(objects, 'StatefulSet'),
  ]) {
    for (const c of w.spec.template.spec.containers) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
      for (const f of c.envFrom ?? []) if (f.secretRef) names.add(f.secretRef.name);
    }
    for (const v of w.spec.template.spec.volumes ?? []) if (v.secret) names.add(v.secret.secretName);
  }
  return names;
}

/** A throwaway self-signed certificate as tls.crt, tls.key and ca.crt in `dir` (for nats-server -t). */
function selfSignedCertificate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=nats',
      '-keyout',
      join(dir, 'tls.key'),
      '-out',
      join(dir, 'tls.crt'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  copyFileSync(join(dir, 'tls.crt'), join(dir, 'ca.crt'));
}

/** Bytes of a Kubernetes quantity (Mi, Gi) or of a Go memory limit (MiB, GiB). */
function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|KiB|MiB|GiB)?$/.exec(quantity);
  if (!m) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[(m[2] ?? '').replace(/B$/, '')] ?? 1;
  return Number(m[1]) * unit;
}

/** Metric names an expression reads, as families (histogram series suffixes removed). */
function metricFamilies(expr: string): string[] {
  const names = expr.match(/\b(?:cobrowse|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  const builtins = expr.match(/\b(?:up)\b(?=\s*[{[)])/g) ?? [];
  return [...new Set([...names, ...builtins].map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

/** Label names an expression matches on or aggregates by. */
function labelNames(expr: string): string[] {
  const labels: string[] = [];
  for (const [, inner] of expr.matchAll(/\b[a-z_:][a-z0-9_:]*\{([^}]*)\}/g))
    for (const [, name] of inner.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.push(name);
  for (const [, inner] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    labels.push(
      ...inner
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  return labels;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('have their validator built from the current source', () => {
    expect(validatorProblem()).toBeNull();
  });

  it('refuse a misspelled field, a wrong kind and a probe on an undeclared port (the validator can fail)', () => {
    const problem = validatorProblem();
    if (problem) throw new Error(problem);
    const dir = mkdtempSync(join(tmpdir(), 'cobrowse-k8s-'));
    try {
      const deployment = (spec: string) =>
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: { name: example }',
          'spec:',
          spec,
          '  selector: { matchLabels: { app: example } }',
          '  template:',
          '    metadata: { labels: { app: example } }',
          '    spec:',
          '      containers:',
          '        - name: example',
          '          image: example:1',
          '          ports: [{ name: http, containerPort: 3000 }]',
          '          livenessProbe: { httpGet: { path: /livez, port: http } }',
          '',
        ].join('\n');
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [deployment.yaml]\n');

      writeFileSync(join(dir, 'deployment.yaml'), deployment('  replicas: 2'));
      expect(runValidator(dir).status).toBe(0);

      writeFileSync(join(dir, 'deployment.yaml'), deployment('  replica: 2'));
      const misspelled = runValidator(dir);
      expect(misspelled.status).toBe(1);
      expect(misspelled.stderr).toContain('unknown field "spec.replica"');
      expect(misspelled.stdout).toBe('');

      writeFileSync(
        join(dir, 'deployment.yaml'),
        deployment('  replicas: 2').replace('Deployment', 'Deploymnet'),
      );
      const unknownKind = runValidator(dir);
      expect(unknownKind.status).toBe(1);
      expect(unknownKind.stderr).toContain('unknown apiVersion/kind apps/v1/Deploymnet');

      writeFileSync(
        join(dir, 'deployment.yaml'),
        deployment('  replicas: 2').replace('port: http', 'port: metrics'),
      );
      const undeclared = runValidator(dir);
      expect(undeclared.status).toBe(1);
      expect(undeclared.stderr).toContain('probes port metrics, which the container does not declare');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ship the accounts npm run nats-config prints (the services alone; compose with tenant acme)', () => {
    const accounts = (tenants: string[]) =>
      new NatsTenancy(tenants, () => '').config({ passwordVariables: true });
    expect(readFileSync(join(KUBERNETES, 'base/nats/nats-accounts.conf'), 'utf8')).toBe(accounts([]));
    expect(readFileSync(join(ROOT, 'deploy/docker/nats-accounts.conf'), 'utf8')).toBe(accounts(['acme']));
    const compose = readFileSync(join(ROOT, 'deploy/docker/compose.yaml'), 'utf8');
    for (const variable of accounts(['acme']).matchAll(/password: \$(\w+)/g))
      expect(compose).toContain(`${variable[1]}: \${${variable[1]}:?`);
  });

  it('name only metric families the services export, in the docs too', () => {
    const exported = new Map(registry.getMetricsAsArray().map((m) => [m.name, m]));
    for (const [name, labels] of Object.entries(METRICS)) {
      const metric = exported.get(name) as unknown as { labelNames?: string[] } | undefined;
      expect({ name, exported: !!metric }).toEqual({ name, exported: true });
      expect({ name, labels: [...(metric?.labelNames ?? [])].sort() }).toEqual({
        name,
        labels: [...labels].sort(),
      });
    }
    const docs = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    for (const name of Object.keys(METRICS))
      expect({ name, documented: docs.includes(name) }).toEqual({ name, documented: true });
  });

  describe.each(OVERLAYS)('overlays/%s', (overlay) => {
    let objects: K8sObject[] = [];
    let stderr = '';
    beforeAll(() => {
      ({ objects, stderr } = render(overlay));
    });

    const deployment = (name: string) => the<WorkloadSpec>(objects, 'Deployment', name);
    const container = (w: Workload) => w.spec.template.spec.containers[0];
    const servicesConfig = () => environment(objects, container(deployment('gateway')));
    const certificate = (name: string) => the<CertificateSpec>(objects, 'Certificate', name);

    it('renders, and every object decodes strictly into its type', () => {
      expect(stderr).toMatch(/objects, valid/);
      expect(objects.length).toBeGreaterThan(20);
      expect(
        ofKind(objects, 'Deployment')
          .map((d) => d.metadata.name)
          .sort(),
      ).toEqual([...SERVICES].sort());
    });

    it('runs at least two replicas of each service (the gateway through its autoscaler)', () => {
      for (const name of SERVICES) {
        const hpa = ofKind<HpaSpec>(objects, 'HorizontalPodAutoscaler').find(
          (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name,
        );
        const replicas = deployment(name).spec.replicas ?? 0;
        const minimum = Math.max(replicas, hpa?.spec.minReplicas ?? 0);
        expect({ name, atLeastTwo: minimum >= 2 }).toEqual({ name, atLeastTwo: true });
      }
      const hpa = the<HpaSpec>(objects, 'HorizontalPodAutoscaler', 'gateway');
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
      expect(hpa.spec.metrics.map((m) => m.resource?.name)).toContain('cpu');
      expect(deployment('gateway').spec.replicas).toBeUndefined();
    });

    it('runs one image everywhere, each service with its own command', () => {
      const images = new Set(SERVICES.map((name) => container(deployment(name)).image));
      expect(images.size).toBe(1);
      expect([...images][0]).toMatch(/(^|\/)cobrowse-session-service:[\w.-]+$/);
      for (const name of SERVICES) {
        expect(container(deployment(name)).command).toEqual([
          'node',
          '--enable-source-maps',
          `dist/apps/${name}/src/main.js`,
        ]);
      }
    });

    it('probes /livez and /readyz on a port the container declares (3000 for the gateway, PROBE_PORT for the others)', () => {
      for (const name of SERVICES) {
        const c = container(deployment(name));
        const env = environment(objects, c);
        const expected = name === 'gateway' ? GATEWAY_PORT : PROBE_PORT;
        const probes = { liveness: c.livenessProbe, readiness: c.readinessProbe, startup: c.startupProbe };
        const seen = Object.entries(probes)
          .filter(([, p]) => p)
          .map(([kind, p]) => ({
            kind,
            path: p?.httpGet?.path,
            port: p?.httpGet ? portNumber(c, p.httpGet.port) : undefined,
          }));
        expect({ name, probes: seen }).toEqual({
          name,
          probes: [
            { kind: 'liveness', path: '/livez', port: expected },
            { kind: 'readiness', path: '/readyz', port: expected },
            ...(c.startupProbe ? [{ kind: 'startup', path: '/livez', port: expected }] : []),
          ],
        });
        if (name === 'gateway') {
          expect(env).toMatchObject({ GATEWAY_PORT: String(GATEWAY_PORT), GATEWAY_HOST: '0.0.0.0' });
          expect(env.PROBE_PORT).toBeUndefined();
        } else {
          expect({ name, PROBE_PORT: env.PROBE_PORT, PROBE_HOST: env.PROBE_HOST }).toEqual({
            name,
            PROBE_PORT: String(PROBE_PORT),
            PROBE_HOST: '0.0.0.0',
          });
        }
      }
    });

    it('sets only variables AppConfig declares, and values it accepts', () => {
      const names = appConfigNames();
      for (const name of SERVICES) {
        const env = environment(objects, container(deployment(name)));
        expect({ name, unknown: Object.keys(env).filter((k) => !names.has(k)) }).toEqual({
          name,
          unknown: [],
        });
        const required: Array<keyof AppConfig> =
          name === 'gateway' ? ['NATS_URL', 'MONGODB_URL', 'COBROWSE_API_KEYS'] : ['NATS_URL', 'MONGODB_URL'];
        expect(() => loadConfig(env, required)).not.toThrow();
        if (name === 'gateway' && env.COBROWSE_API_KEYS !== 'external') {
          expect(() => parseApiKeys(env.COBROWSE_API_KEYS)).not.toThrow();
        }
      }
    });

    it('turns service links off, so Kubernetes adds no GATEWAY_PORT=tcp://... to the pods', () => {
      for (const name of SERVICES)
        expect({ name, links: deployment(name).spec.template.spec.enableServiceLinks }).toEqual({
          name,
          links: false,
        });
    });

    it('runs the services as non-root on a read-only root filesystem, with resources and time to shut down', () => {
      for (const name of SERVICES) {
        const pod = deployment(name).spec.template.spec;
        const c = container(deployment(name));
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        expect(c.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        for (const kind of ['requests', 'limits'] as const) {
          expect({
            name,
            kind,
            cpu: !!c.resources?.[kind]?.cpu,
            memory: !!c.resources?.[kind]?.memory,
          }).toEqual({
            name,
            kind,
            cpu: true,
            memory: true,
          });
        }
        // Services exit within 8 s of SIGTERM (docs/operations.md, "Shutdown").
        expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(10);
      }
    });

    it('connects every service to all NATS nodes as the services user, and to the replica set with majority writes', () => {
      const config = servicesConfig();
      const nats = the<WorkloadSpec>(objects, 'StatefulSet', 'nats');
      const mongodb = the<WorkloadSpec>(objects, 'StatefulSet', 'mongodb');
      const pods = (w: Workload, port: number) =>
        Array.from(
          { length: w.spec.replicas ?? 1 },
          (_, i) => `${w.metadata.name}-${i}.${w.spec.serviceName}:${port}`,
        );

      expect(config.EVENTS_STREAM_REPLICAS).toBe('3');
      expect(config.NATS_USER).toBe('services');
      // Production speaks TLS to NATS, trusting the CA of the servers' certificate.
      const scheme = overlay === 'production' ? 'tls' : 'nats';
      expect(config.NATS_URL.split(',')).toEqual(pods(nats, 4222).map((p) => `${scheme}://${p}`));
      if (overlay === 'production') {
        for (const name of SERVICES) {
          const spec = deployment(name).spec.template.spec;
          const ca = config.NATS_TLS_CA_FILE ?? '';
          const mount = container(deployment(name)).volumeMounts?.find((m) =>
            ca.startsWith(`${m.mountPath}/`),
          );
          const volume = spec.volumes?.find((v) => v.name === mount?.name);
          expect(volume?.secret?.secretName).toBe(certificate('nats-tls').spec.secretName);
        }
      } else expect(config.NATS_TLS_CA_FILE).toBeUndefined();

      const url = /^mongodb:\/\/([^/]+)\/([^?]+)\?(.+)$/.exec(config.MONGODB_URL);
      expect(url).not.toBeNull();
      const [, hosts, database, query] = url as RegExpExecArray;
      const params = new URLSearchParams(query);
      expect(hosts.split(',')).toEqual(pods(mongodb, 27017));
      expect(database).toBe('cobrowse');
      expect(params.get('w')).toBe('majority');
      const mongod = container(mongodb).args ?? [];
      expect(params.get('replicaSet')).toBe(mongod[mongod.indexOf('--replSet') + 1]);

      // Every service uses the services password NATS itself reads.
      const natsSecrets = (container(nats).envFrom ?? []).map((f) => f.secretRef?.name).filter(Boolean);
      for (const name of SERVICES) {
        const password = container(deployment(name)).env?.find((e) => e.name === 'NATS_PASSWORD');
        expect(password?.valueFrom?.secretKeyRef?.key).toBe('SERVICES_NATS_PASSWORD');
        expect(natsSecrets).toContain(password?.valueFrom?.secretKeyRef?.name);
      }
    });

    it('runs NATS as a 3-node JetStream cluster on volumes, with the pinned nats-server', () => {
      const nats = the<WorkloadSpec>(objects, 'StatefulSet', 'nats');
      const c = container(nats);
      expect(nats.spec.replicas).toBe(3);
      expect(nats.spec.volumeClaimTemplates?.length).toBeGreaterThan(0);
      expect(the<ServiceSpec>(objects, 'Service', nats.spec.serviceName ?? '').spec.clusterIP).toBe('None');

      const pinned = /^NATS_SERVER_VERSION=v(\S+)$/m.exec(
        readFileSync(join(ROOT, 'deploy/local/versions.conf'), 'utf8'),
      )?.[1];
      expect(c.image).toBe(`nats:${pinned}-alpine`);

      expect(c.readinessProbe?.httpGet).toEqual({ path: '/healthz?js-server-only=true', port: 'monitor' });
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz?js-enabled-only=true', port: 'monitor' });
      expect(portNumber(c, 'monitor')).toBe(8222);

      const limit = bytes(c.resources?.limits?.memory ?? '');
      const goMemLimit = c.env?.find((e) => e.name === 'GOMEMLIMIT')?.value ?? '';
      expect(bytes(goMemLimit)).toBeLessThanOrEqual(0.9 * limit);

      const conf = Object.values(
        ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('nats-config'))?.data ?? {},
      )[0];
      const routes = [...(conf ?? '').matchAll(/nats:\/\/([\w.-]+:6222)/g)].map((m) => m[1]);
      expect(routes).toEqual(
        Array.from({ length: 3 }, (_, i) => `${nats.metadata.name}-${i}.${nats.spec.serviceName}:6222`),
      );
      const storeDir = /store_dir:\s*"([^"]+)"/.exec(conf ?? '')?.[1];
      const dataVolume = nats.spec.volumeClaimTemplates?.[0].metadata.name;
      expect(c.volumeMounts).toContainEqual({ name: dataVolume, mountPath: storeDir });
    });

    it('gives nats-server a configuration it accepts, with every password its accounts name', () => {
      const nats = the<WorkloadSpec>(objects, 'StatefulSet', 'nats');
      const dataOf = (prefix: string) =>
        ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith(prefix))?.data ?? {};
      const accounts = dataOf('nats-accounts')['nats-accounts.conf'];
      // What `npm run nats-config` prints for the tenants it names (an overlay may add some).
      const tenants = [...accounts.matchAll(/user: "subscriber-([a-z0-9-]+)"/g)].map((m) => m[1]);
      expect(accounts).toBe(new NatsTenancy(tenants, () => '').config({ passwordVariables: true }));
      const variables = [...accounts.matchAll(/password: \$(\w+)/g)].map((m) => m[1]);
      expect(variables).toContain('SERVICES_NATS_PASSWORD');

      const secretName = (container(nats).envFrom ?? []).find((f) => f.secretRef)?.secretRef?.name ?? '';
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretName);
      if (secret) {
        // nats-server parses the values: one starting with a digit or "-", or holding "#" or a space, breaks.
        for (const name of variables) {
          const value = Buffer.from(secret.data?.[name] ?? '', 'base64').toString('utf8');
          expect({ name, value: /^[A-Za-z][A-Za-z0-9_-]{15,}$/.test(value) }).toEqual({ name, value: true });
        }
      }

      if (!existsSync(NATS_SERVER))
        throw new Error(`${NATS_SERVER} is missing: run bash deploy/local/provision.sh`);
      const dir = mkdtempSync(join(tmpdir(), 'cobrowse-nats-conf-'));
      try {
        // The certificate's files where the pod mounts them, as a throwaway self-signed one.
        const tlsDir = join(dir, 'tls');
        const files = { ...dataOf('nats-config'), ...dataOf('nats-accounts'), ...dataOf('nats-tls') };
        const tlsFiles = /\/etc\/nats\/tls\//.test(Object.values(files).join('\n'));
        if (tlsFiles) selfSignedCertificate(tlsDir);
        for (const [file, text] of Object.entries(files))
          writeFileSync(join(dir, file), text.replaceAll('/etc/nats/tls/', `${tlsDir}/`));
        const env = {
          POD_NAME: 'nats-0',
          ...Object.fromEntries(variables.map((v) => [v, 'pTestOnly0123456789'])),
        };
        const check = spawnSync(NATS_SERVER, ['-c', join(dir, 'nats.conf'), '-t'], { encoding: 'utf8', env });
        expect({ status: check.status, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({
          status: 0,
          output: expect.stringContaining('is valid'),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('speaks TLS to NATS clients and between NATS nodes in production, on the mounted certificate', () => {
      const tls = Object.entries(
        ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('nats-tls'))?.data ?? {},
      );
      const conf = Object.values(
        ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('nats-config'))?.data ?? {},
      )[0];
      expect(conf).toMatch(/cluster \{[^}]*include "cluster-tls.conf"/s);
      expect(conf).toContain('include "tls.conf"');
      const blocks = Object.fromEntries(tls.map(([file, text]) => [file, /^tls \{/m.test(text)]));
      if (overlay !== 'production') {
        expect(blocks).toEqual({ 'tls.conf': false, 'cluster-tls.conf': false });
        return;
      }
      expect(blocks).toEqual({ 'tls.conf': true, 'cluster-tls.conf': true });
      expect(Object.fromEntries(tls)['cluster-tls.conf']).toMatch(/verify: true/);
      const sources =
        the<WorkloadSpec>(objects, 'StatefulSet', 'nats').spec.template.spec.volumes?.[0].projected
          ?.sources ?? [];
      const mounted = sources.find((s) => s.secret)?.secret;
      expect(mounted?.name).toBe(certificate('nats-tls').spec.secretName);
      expect(mounted?.items?.map((i) => i.path).sort()).toEqual(['tls/ca.crt', 'tls/tls.crt', 'tls/tls.key']);
      // Every node's name, and the clients' Service, are in the certificate.
      const names = certificate('nats-tls').spec.dnsNames;
      expect(names).toEqual(expect.arrayContaining(['nats-client', '*.nats']));
    });

    it('lets only Prometheus reach the NATS monitoring port, and only NATS nodes its route port', () => {
      const policy = the<NetworkPolicySpec>(objects, 'NetworkPolicy', 'nats');
      for (const rule of policy.spec.ingress) {
        const ports = rule.ports.map((p) => p.port);
        if (ports.includes('monitor') || ports.includes('cluster'))
          expect(rule.from?.length).toBeGreaterThan(0);
        if (ports.includes('monitor'))
          expect(rule.from).toEqual([
            expect.objectContaining({
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            }),
          ]);
      }
    });

    it('runs MongoDB as a 3-member replica set on volumes, initiated with the members the services use', () => {
      const mongodb = the<WorkloadSpec>(objects, 'StatefulSet', 'mongodb');
      const c = container(mongodb);
      expect(mongodb.spec.replicas).toBe(3);
      expect(mongodb.spec.volumeClaimTemplates?.length).toBeGreaterThan(0);
      expect(c.image).toMatch(/^mongo:7\.0\.\d+$/);
      const args = c.args ?? [];
      expect(args).toContain('--replSet');
      const cacheGb = Number(args[args.indexOf('--wiredTigerCacheSizeGB') + 1]);
      expect(cacheGb * 1024 ** 3).toBeLessThanOrEqual(0.5 * bytes(c.resources?.limits?.memory ?? ''));

      const script = Object.values(
        ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('mongodb-init-replica-set'))
          ?.data ?? {},
      )[0];
      const members = /const MEMBERS = \[([^\]]*)\]/.exec(script ?? '')?.[1].match(/[\w.-]+:\d+/g);
      const replicaSet = /const REPLICA_SET = '([^']+)'/.exec(script ?? '')?.[1];
      const url = /^mongodb:\/\/([^/]+)\/[^?]*\?(.+)$/.exec(servicesConfig().MONGODB_URL);
      expect(members).toEqual(url?.[1].split(','));
      expect(replicaSet).toBe(args[args.indexOf('--replSet') + 1]);
      const job = the<WorkloadSpec>(objects, 'Job', 'mongodb-init-replica-set');
      expect(container(job).image).toBe(c.image);
    });

    it('has a disruption budget for every Deployment and StatefulSet', () => {
      const budgets = ofKind<PdbSpec>(objects, 'PodDisruptionBudget');
      for (const w of [
        ...ofKind<WorkloadSpec>(objects, 'Deployment'),
        ...ofKind<WorkloadSpec>(objects, 'StatefulSet'),
      ]) {
        const covered = budgets.some((b) =>
          matches(b.spec.selector.matchLabels, w.spec.template.metadata.labels),
        );
        expect({ workload: `${w.kind} ${w.metadata.name}`, covered }).toEqual({
          workload: `${w.kind} ${w.metadata.name}`,
          covered: true,
        });
      }
    });

    it('expects only the documented Secrets from outside, and creates every other one it uses', () => {
      const rendered = new Set([
        ...ofKind(objects, 'Secret').map((s) => s.metadata.name),
        ...ofKind<CertificateSpec>(objects, 'Certificate').map((c) => c.spec.secretName),
      ]);
      const external = [...secretsReferenced(objects)].filter((s) => !rendered.has(s)).sort();
      if (overlay === 'production') {
        expect(external).toEqual(['gateway-api-keys', 'nats-passwords']);
        const docs = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
        for (const name of external) expect(docs).toContain(`create secret generic ${name}`);
      } else {
        expect(external).toEqual([]);
      }
    });

    it('scrapes /metrics of each service through its metrics port, and alerts and charts only exported metrics', () => {
      const monitors = ofKind<ServiceMonitorSpec>(objects, 'ServiceMonitor');
      const rules = ofKind<PrometheusRuleSpec>(objects, 'PrometheusRule');
      const dashboards = ofKind(objects, 'ConfigMap').filter(
        (m) => m.metadata.labels?.grafana_dashboard === '1',
      );
      if (overlay === 'small') {
        // No Prometheus Operator assumed there (docs/deploy.md).
        expect(monitors.length + rules.length).toBe(0);
        return;
      }
      expect(monitors.length).toBeGreaterThan(0);
      expect(rules.length).toBeGreaterThan(0);
      expect(dashboards.length).toBeGreaterThan(0);

      // Every service has a Service whose port a ServiceMonitor endpoint scrapes at /metrics,
      // reaching the port the service serves /metrics on.
      const services = ofKind<ServiceSpec>(objects, 'Service');
      for (const name of SERVICES) {
        const c = container(deployment(name));
        const scraped = monitors.flatMap((m) =>
          services
            .filter((s) => matches(m.spec.selector.matchLabels ?? {}, s.metadata.labels))
            .filter((s) =>
              matches(s.spec.selector ?? { none: 'none' }, deployment(name).spec.template.metadata.labels),
            )
            .flatMap((s) =>
              m.spec.endpoints
                .filter((e) => e.path === '/metrics' && e.honorLabels === true)
                .map((e) => s.spec.ports.find((p) => p.name === e.port))
                .filter((p) => p !== undefined)
                .map((p) => portNumber(c, p.targetPort ?? p.port)),
            ),
        );
        expect({ name, scraped }).toEqual({
          name,
          scraped: [name === 'gateway' ? GATEWAY_PORT : PROBE_PORT],
        });
      }

      const expressions = [
        ...rules.flatMap((r) => r.spec.groups.flatMap((g) => g.rules.map((rule) => rule.expr))),
        ...dashboards.flatMap((d) =>
          Object.values(d.data ?? {}).flatMap((json) => {
            const model = JSON.parse(json) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
            return model.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
          }),
        ),
      ];
      expect(expressions.length).toBeGreaterThan(20);
      const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
      const defaults = [...exported].filter((n) => !n.startsWith('cobrowse_'));
      const used = new Set<string>();
      for (const expr of expressions) {
        const families = metricFamilies(expr);
        expect({ expr, families: families.length > 0 }).toEqual({ expr, families: true });
        for (const family of families) {
          used.add(family);
          const known = family in METRICS || defaults.includes(family) || BUILTIN_SERIES.includes(family);
          expect({ expr, family, known }).toEqual({ expr, family, known: true });
        }
        const allowed = new Set([...TARGET_LABELS, ...families.flatMap((f) => METRICS[f] ?? [])]);
        const unknownLabels = labelNames(expr).filter((l) => !allowed.has(l));
        expect({ expr, unknownLabels }).toEqual({ expr, unknownLabels: [] });
      }
      // The dashboard and the alerts between them cover every family.
      expect(Object.keys(METRICS).filter((m) => !used.has(m))).toEqual([]);
    });
  });
});
