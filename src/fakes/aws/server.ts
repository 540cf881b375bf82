// An in-process loopback simulator of the AWS wire protocols the AWS provider uses: KMS, CloudTrail
// and CloudWatch Logs (awsJson1_1), Organizations (awsJson1_1), STS (awsQuery/XML), IAM (awsQuery/XML),
// S3 lifecycle (REST/XML) and EC2 DescribeRegions (ec2Query/XML). It ships in the package because
// `keyhygiene demo` uses it; the tests and the benchmarks reuse it. It can enforce per-account
// quotas, add latency and inject faults. Routes live in routes/ and iam.ts; this file is the HTTP side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { iamHandlers } from './iam.ts';
import { Faults, isDataKeyPairOperation, KMS_CRYPTO_OPERATIONS, Quotas } from './limits.ts';
import { identityRoutes } from './routes/identity.ts';
import { kmsRoutes } from './routes/kms.ts';
import { trailRoutes } from './routes/trails.ts';
import type { AwsFake, FakeOptions, FakeStats, FakeWorld, RecordedRequest } from './types.ts';
import { AwsError, errorResponse, FAULT_ERRORS, type ParsedRequest, parseRequest, type Routes } from './wire.ts';
import { WorldView } from './world.ts';

export type { FakeIam, FakeOrganization } from './iam.ts';
export type * from './types.ts';

export const FAKE_ACCESS_KEY = 'AKIDKEYHYGIENEDEMO';
export const FAKE_SECRET_KEY = 'keyhygiene-demo-secret-not-real';

function routesFor(view: WorldView, credentials: Map<string, string>): Routes {
  const raise = (type: string, message: string): never => {
    throw new AwsError(type, message);
  };
  return {
    ...kmsRoutes(view),
    ...trailRoutes(view),
    ...identityRoutes(view, credentials),
    ...iamHandlers((account) => view.accounts.get(account)?.iam, view.world.organization, view.world.callerAccount, raise),
  };
}

/** The simulator's state for one server: routes, limits, what it was asked and what it served. */
class Simulator {
  readonly requests: RecordedRequest[] = [];
  readonly seenOps = new Set<string>();
  readonly stats: FakeStats = { served: {}, window: {}, throttled: 0, faults: 0, requests: 0 };
  readonly pending = new Set<http.ServerResponse>();
  readonly faults: Faults;
  private readonly quotas: Quotas;
  private readonly started = performance.now();
  private readonly credentials: Map<string, string>;
  private readonly routes: Routes;
  private readonly world: FakeWorld;
  private readonly view: WorldView;
  private readonly options: FakeOptions;

  constructor(world: FakeWorld, options: FakeOptions) {
    this.world = world;
    this.options = options;
    this.faults = new Faults(options.faults ?? []);
    this.quotas = new Quotas(options.quotas);
    this.credentials = new Map([[FAKE_ACCESS_KEY, world.callerAccount]]);
    this.view = new WorldView(world);
    this.routes = routesFor(this.view, this.credentials);
  }

  private send(res: http.ServerResponse, status: number, type: 'json' | 'xml', body: string): void {
    const finish = () => {
      this.pending.delete(res);
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type === 'json' ? 'application/x-amz-json-1.1' : 'text/xml', 'x-amzn-requestid': 'fake' });
      res.end(body);
    };
    if (this.options.latencyMs) {
      this.pending.add(res);
      setTimeout(finish, this.options.latencyMs);
    } else finish();
  }

  private fail(res: http.ServerResponse, req: ParsedRequest, e: AwsError): void {
    const { status, type, body } = errorResponse(req.protocol, e);
    this.send(res, status, type, body);
  }

  private served(account: string, region: string, op: string): void {
    const key = `${account}/${region}/${op}`;
    this.stats.served[key] = (this.stats.served[key] ?? 0) + 1;
    const t = Math.round(performance.now() - this.started);
    const w = this.stats.window[key];
    if (w) w[1] = t;
    else this.stats.window[key] = [t, t];
  }

  /** The key spec a cryptographic operation's quota depends on (the key it names), or a data key pair's spec. */
  private quotaSpec(op: string, account: string, region: string, input: Record<string, unknown>): string | undefined {
    if (isDataKeyPairOperation(op)) return String(input.KeyPairSpec ?? '');
    if (!KMS_CRYPTO_OPERATIONS.includes(op) || input.KeyId === undefined) return undefined;
    try {
      return this.view.findKey(account, region, input.KeyId).spec;
    } catch {
      return undefined;
    }
  }

  /** Answer one request: a fault, a throttle, or the route's answer. */
  handle(res: http.ServerResponse, req: ParsedRequest): void {
    const { op, input, region, accessKeyId } = req;
    this.stats.requests++;
    const account = this.credentials.get(accessKeyId) ?? (accessKeyId.startsWith('ASIA') ? accessKeyId.slice(4) : this.world.callerAccount);
    this.seenOps.add(op);
    if (this.options.record ?? true) this.requests.push({ op, account, region, accessKeyId, input });
    const fault = this.faults.for(op, account, region, input);
    if (fault) {
      this.stats.faults++;
      // A timeout is never answered: the client's deadline fires.
      if (fault.error === 'Timeout') this.pending.add(res);
      else this.fail(res, req, FAULT_ERRORS[fault.error](op));
      return;
    }
    if (this.quotas.throttle(account, region, op, this.quotaSpec(op, account, region, input))) {
      this.stats.throttled++;
      this.fail(res, req, new AwsError('ThrottlingException', 'Rate exceeded'));
      return;
    }
    const route = this.routes[op];
    if (!route) {
      this.fail(res, req, new AwsError('UnknownOperationException', `the simulator does not implement ${op}`));
      return;
    }
    try {
      const out = route(input, account, region);
      this.served(account, region, op);
      if (typeof out === 'string') this.send(res, 200, 'xml', out);
      else this.send(res, 200, 'json', JSON.stringify(out));
    } catch (e) {
      this.fail(res, req, e instanceof AwsError ? e : new AwsError('InternalFailure', String(e), 500));
    }
  }
}

/** Start the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startAwsFake(world: FakeWorld, options: FakeOptions = {}, port = 0): Promise<AwsFake> {
  const sim = new Simulator(world, options);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => sim.handle(res, parseRequest(req, Buffer.concat(chunks).toString('utf8'))));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    requests: sim.requests,
    stats: sim.stats,
    operations: () => [...sim.seenOps].sort(),
    setFaults: (f) => sim.faults.set(f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of sim.pending) r.destroy();
        sim.pending.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
