// Where a key's material came from and where it lives: the import job of an imported version (one
// ListImportJobs per key ring) and the EKM connection of an EXTERNAL_VPC key (one ListEkmConnections
// per project and location). Read lazily, only for the keys that need them, and each list once, so a
// large estate of generated keys costs no extra read quota.
import type { KeyRecord } from '../../model/key-record.ts';
import { currentVersion, type RawCryptoKey, type RawVersion } from './normalize.ts';
import { externalStoreOf, importSourceOf, type RawEkmConnection, type RawImportJob } from './normalize-custody.ts';
import { type GcpReadContext, listAll } from './read.ts';

type Scope = { account: string; region: string; container: string };

export class CustodyReader {
  private readonly jobs = new Map<string, Promise<Map<string, RawImportJob> | undefined>>();
  private readonly connections = new Map<string, Promise<Map<string, RawEkmConnection> | undefined>>();
  private readonly c: GcpReadContext;

  constructor(c: GcpReadContext) {
    this.c = c;
  }

  private importJobs(ring: string, scope: Scope): Promise<Map<string, RawImportJob> | undefined> {
    let p = this.jobs.get(ring);
    if (!p) {
      const gap = { what: `the import jobs of key ring ${ring}`, scope, affects: ['importSource'] };
      p = listAll(this.c, 'cloudkms:ListImportJobs', gap, (t, s) => this.c.api.listImportJobs(ring, t, s)).then((js) =>
        js ? new Map(js.map((j) => [j.name, j])) : undefined,
      );
      this.jobs.set(ring, p);
    }
    return p;
  }

  private ekmConnections(parent: string, scope: Scope): Promise<Map<string, RawEkmConnection> | undefined> {
    let p = this.connections.get(parent);
    if (!p) {
      const gap = { what: `the EKM connections of ${parent}`, scope: { account: scope.account, region: scope.region }, affects: ['externalStore'] };
      p = listAll(this.c, 'cloudkms:ListEkmConnections', gap, (t, s) => this.c.api.listEkmConnections(parent, t, s)).then((cs) =>
        cs ? new Map(cs.map((x) => [x.name, x])) : undefined,
      );
      this.connections.set(parent, p);
    }
    return p;
  }

  /** `importSource` and `externalStore` of one key (only those that apply). */
  async of(key: RawCryptoKey, versions: readonly RawVersion[] | undefined, scope: Scope): Promise<Pick<KeyRecord, 'importSource' | 'externalStore'>> {
    const current = currentVersion(key, versions);
    const out: Pick<KeyRecord, 'importSource' | 'externalStore'> = {};
    const jobName = current?.importJob;
    if (jobName) {
      const ring = jobName.replace(/\/importJobs\/[^/]+$/, '');
      const jobs = await this.importJobs(ring, scope);
      out.importSource = importSourceOf(jobName, jobs?.get(jobName));
    }
    const level = current?.protectionLevel ?? key.versionTemplate?.protectionLevel;
    if (level === 'EXTERNAL_VPC' && key.cryptoKeyBackend) {
      const parent = key.cryptoKeyBackend.replace(/\/ekmConnections\/[^/]+$/, '');
      const conns = await this.ekmConnections(parent, scope);
      out.externalStore = externalStoreOf(level, key.cryptoKeyBackend, conns?.get(key.cryptoKeyBackend), current);
    } else if (level === 'EXTERNAL' || level === 'EXTERNAL_VPC') {
      out.externalStore = externalStoreOf(level, undefined, undefined, current);
    }
    return out;
  }
}
