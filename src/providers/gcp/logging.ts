// Where a project's Cloud KMS audit entries go and for how long: its own sinks, the includeChildren
// sinks of its folders and organization, and the log buckets they deliver to.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { AncestorPolicy } from './ancestry.ts';
import { destinationOf, effectiveKmsAuditConfig, type RawBucket, type RawSink, trailsForProject } from './normalize-trails.ts';
import { type GcpReadContext, listAll } from './read.ts';

export class LoggingReader {
  private readonly sinkLists = new Map<string, Promise<RawSink[] | undefined>>();
  private readonly bucketLists = new Map<string, Promise<Map<string, RawBucket> | undefined>>();
  private readonly c: GcpReadContext;

  constructor(c: GcpReadContext) {
    this.c = c;
  }

  private sinks(parent: string, project: string): Promise<RawSink[] | undefined> {
    let p = this.sinkLists.get(parent);
    if (!p) {
      const gap = {
        what: `the log sinks of ${parent}`,
        scope: parent.startsWith('projects/') ? { account: project } : { subjectId: parent },
        affects: ['trails'],
      };
      p = listAll(this.c, 'logging:ListSinks', gap, (t, s) => this.c.api.listSinks(parent, t, s));
      this.sinkLists.set(parent, p);
    }
    return p;
  }

  private buckets(project: string): Promise<Map<string, RawBucket> | undefined> {
    let p = this.bucketLists.get(project);
    if (!p) {
      const parent = `projects/${project}/locations/-`;
      const gap = { what: `the log buckets of project ${project}`, scope: { account: project }, affects: ['retention'] };
      p = listAll(this.c, 'logging:ListBuckets', gap, (t, s) => this.c.api.listBuckets(parent, t, s)).then((bs) =>
        bs ? new Map(bs.map((b) => [b.name, b])) : undefined,
      );
      this.bucketLists.set(project, p);
    }
    return p;
  }

  /**
   * The trails covering a project's keys. `policies` is the project's ancestry (undefined when it
   * could not be read: the audit config is then unknown and so is whether key use is recorded).
   */
  async trails(project: string, ancestors: readonly string[] | undefined, policies: readonly AncestorPolicy[] | undefined): Promise<AuditTrail[] | undefined> {
    const own = await this.sinks(`projects/${project}`, project);
    if (!own) return undefined;
    const inherited = await Promise.all((ancestors ?? []).map((a) => this.sinks(a, project)));
    const sinks = [...own, ...inherited.flatMap((l) => (l ?? []).filter((s) => s.includeChildren))];
    const buckets = new Map<string, RawBucket>();
    for (const s of sinks) {
      const b = destinationOf(s.destination).bucket;
      const owner = b ? /^projects\/([^/]+)\//.exec(b)?.[1] : undefined;
      if (!b || !owner) continue;
      const hit = (await this.buckets(owner))?.get(b);
      if (hit) buckets.set(b, hit);
    }
    return trailsForProject({
      project,
      ...(policies ? { audit: effectiveKmsAuditConfig(policies) } : {}),
      sinks,
      bucket: (name) => buckets.get(name),
    });
  }
}
