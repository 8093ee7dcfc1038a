import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/*
 * The deployment artifacts, parsed (no Docker engine or cluster runs here): every container is
 * hardened and probed, the compose stack is complete, the edge proxies only the BFF port, and the
 * hosted CI builds and tests exactly as .ci/run does.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const k8sFiles = readdirSync(`${ROOT}infra/k8s`).filter((f) => f.endsWith('.yaml'));
const k8s: Doc[] = k8sFiles.flatMap((file) =>
  parseAllDocuments(read(`infra/k8s/${file}`)).map((doc) => ({ ...(doc.toJS() as Doc), file })),
);
const ofKind = (kind: string) => k8s.filter((doc) => doc.kind === kind);

describe('infra/k8s', () => {
  const deployments = ofKind('Deployment');

  it('has a bff, a worker and an ml Deployment, each with a Service, an HPA and a disruption budget', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['bff', 'ml', 'worker']);
    for (const d of deployments) {
      const name = d.metadata.name;
      const selector = d.spec.selector.matchLabels;
      expect(
        ofKind('Service').some(
          (s) => s.metadata.name === name && JSON.stringify(s.spec.selector) === JSON.stringify(selector),
        ),
        `${name} Service`,
      ).toBe(true);
      const hpa = ofKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === name);
      expect(hpa?.apiVersion, `${name} HPA`).toBe('autoscaling/v2');
      expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(
        ofKind('PodDisruptionBudget').some((p) => p.metadata.name === name),
        `${name} PDB`,
      ).toBe(true);
    }
  });

  it('probes, limits and hardens every container', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        const where = `${d.metadata.name}/${c.name}`;
        expect(c.livenessProbe.httpGet.path, where).toBe('/healthz');
        expect(c.readinessProbe.httpGet.path, where).toBe('/readyz');
        expect(
          c.ports.map((p: Doc) => p.name),
          where,
        ).toContain(c.readinessProbe.httpGet.port);
        expect(c.resources.requests.cpu && c.resources.requests.memory, where).toBeTruthy();
        expect(c.resources.limits.cpu && c.resources.limits.memory, where).toBeTruthy();
        expect(c.securityContext, where).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.runAsUser, where).toBeGreaterThan(0);
        // A read-only root needs a writable /tmp (tsx's compile cache).
        const tmp = c.volumeMounts.find((m: Doc) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Doc) => v.name === tmp?.name)?.emptyDir, where).toBeDefined();
        expect(c.image, where).toMatch(/^ghcr\.io\//);
      }
    }
  });

  it('denies by default and opens the metrics ports to the monitoring namespace only', () => {
    const policies = ofKind('NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'default-deny');
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const policy of policies) {
      for (const rule of policy.spec.ingress ?? []) {
        const ports = (rule.ports ?? []).map((p: Doc) => p.port);
        if (!ports.includes(9464)) continue;
        expect(rule.from, policy.metadata.name).toEqual([
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        ]);
      }
    }
    const ml = policies.find((p) => p.metadata.name === 'ml-ingress');
    expect(JSON.stringify(ml?.spec.ingress[0].from)).not.toContain('ingress');
  });

  it('lists every manifest in the kustomization', () => {
    const kustomization = ofKind('Kustomization')[0]!;
    expect([...kustomization.resources].sort()).toEqual(
      k8sFiles.filter((f) => f !== 'kustomization.yaml').sort(),
    );
  });
});

describe('infra/docker-compose.yml', () => {
  // Compose files share settings through YAML merge keys (<<).
  const compose = parse(read('infra/docker-compose.yml'), { merge: true }) as Doc;
  const services = compose.services as Record<string, Doc>;

  it('runs PostgreSQL, Redis, MinIO, two BFFs, a worker and the ML service, each health-checked', () => {
    for (const name of ['postgres', 'redis', 'minio', 'bff-1', 'bff-2', 'worker', 'ml']) {
      expect(services[name], name).toBeDefined();
      expect(services[name]!.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
    expect(services['bff-1']!.environment).toMatchObject({
      DATABASE_URL: expect.stringContaining('@postgres:5432/'),
      REDIS_URL: 'redis://redis:6379',
      ML_URL: 'http://ml:3100',
      S3_ENDPOINT: 'http://minio:9000',
    });
    expect(services['bff-2']!.environment).toEqual(services['bff-1']!.environment);
  });

  it('runs our containers read-only, unprivileged, with a tmpfs /tmp, and publishes no metrics port', () => {
    for (const name of ['bff-1', 'bff-2', 'worker', 'ml']) {
      const service = services[name]!;
      expect(service, name).toMatchObject({ read_only: true, user: '1000:1000', cap_drop: ['ALL'] });
      expect(service.security_opt).toContain('no-new-privileges:true');
      expect(service.tmpfs.some((mount: string) => mount.startsWith('/tmp'))).toBe(true);
      expect(JSON.stringify(service.ports ?? [])).not.toContain('9464');
    }
  });
});

describe('infra/docker/Dockerfile', () => {
  const dockerfile = read('infra/docker/Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => m[2]);
  const stage = (name: string) => {
    const start = dockerfile.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
    const rest = dockerfile.slice(start + 1);
    const next = rest.search(/^FROM /m);
    return next < 0 ? rest : rest.slice(0, next);
  };

  it('builds with npm ci in a build stage and ships bff, worker and ml targets', () => {
    expect(stages).toEqual(expect.arrayContaining(['build', 'prod-deps', 'runtime', 'bff', 'worker', 'ml']));
    expect(stage('build')).toMatch(/RUN npm ci /);
    expect(stage('prod-deps')).toMatch(/RUN npm ci --omit=dev/);
  });

  it('runs as a numeric non-root user with writable volumes only, and health-checks each target', () => {
    expect(stage('runtime')).toMatch(/^USER 1000:1000$/m);
    expect(stage('runtime')).toMatch(/^VOLUME \["\/data", "\/tmp"\]$/m);
    for (const target of ['bff', 'worker', 'ml']) {
      expect(stage(target), target).toMatch(/^HEALTHCHECK /m);
      expect(stage(target), target).toMatch(/^ENTRYPOINT \["node", "--import", "tsx", /m);
      expect(stage(target), `${target} must not switch back to root`).not.toMatch(/^USER /m);
    }
  });
});

describe('infra/Caddyfile', () => {
  const caddyfile = read('infra/Caddyfile');

  it('sends HSTS with preload, passes /ws/* through and never proxies the metrics port', () => {
    expect(caddyfile).toMatch(/Strict-Transport-Security "max-age=\d+; includeSubDomains; preload"/);
    expect(caddyfile).toMatch(/@websocket path \/ws\/\*/);
    expect(caddyfile).not.toMatch(/9464/);
  });

  it('is a valid configuration for caddy (when caddy is installed; .ci/run installs it)', () => {
    const check = spawnSync(
      'caddy',
      ['adapt', '--config', `${ROOT}infra/Caddyfile`, '--adapter', 'caddyfile'],
      {
        env: {
          ...process.env,
          SITE_ADDRESS: 'app.example.com',
          ACME_EMAIL: 'ops@example.com',
          BFF_UPSTREAMS: 'bff-1:3000 bff-2:3000',
        },
        encoding: 'utf8',
      },
    );
    if (check.error) {
      expect(process.env.CI, 'caddy must be installed in CI').toBeFalsy();
      return;
    }
    expect(check.status, check.stderr).toBe(0);
    const config = JSON.stringify(JSON.parse(check.stdout));
    expect(config).toContain('"dial":"bff-1:3000"');
    expect(config).toContain('"dial":"bff-2:3000"');
    expect(config).toContain('max-age=63072000; includeSubDomains; preload');
  });
});

describe('.github/workflows/ci.yml', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as Doc;
  const steps = (job: string): Doc[] => workflow.jobs[job].steps;

  it('builds and tests by running .ci/run, and nothing else that could drift from it', () => {
    const runs = steps('test')
      .filter((step) => step.run)
      .map((step) => step.run as string);
    expect(runs.filter((run) => run.includes('.ci/run'))).toEqual(['bash .ci/run']);
    expect(runs.join('\n')).not.toMatch(/npm (test|ci|run)/);
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });

  it('pushes the three images to GHCR, scans them, makes their SBOMs, runs CodeQL, then deploys', () => {
    expect(workflow.jobs.images.strategy.matrix.target).toEqual(['bff', 'worker', 'ml']);
    const uses = (job: string) => steps(job).map((step) => String(step.uses ?? ''));
    expect(uses('images')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^docker\/build-push-action@/),
        expect.stringMatching(/^aquasecurity\/trivy-action@/),
        expect.stringMatching(/^anchore\/sbom-action@/),
      ]),
    );
    expect(workflow.jobs.images.env.IMAGE).toMatch(/^ghcr\.io\//);
    expect(uses('codeql')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^github\/codeql-action\/analyze@/)]),
    );
    expect(workflow.jobs.deploy.needs).toBe('images');
    expect(steps('deploy').some((step) => String(step.run).includes('infra/deploy.sh'))).toBe(true);
  });

  it('runs the supply-chain steps in .ci/run before the tests', () => {
    const ci = read('.ci/run');
    const at = (text: string) => ci.indexOf(text);
    for (const step of ['npm run --silent licenses', 'npm run --silent sbom', 'npm run --silent audit:ci']) {
      expect(at(step), step).toBeGreaterThan(0);
      expect(at(step), step).toBeLessThan(at('\nnpm test'));
    }
  });
});
