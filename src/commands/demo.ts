import { join } from 'node:path';
import { collectInventory, loadSnapshots } from '../audit.ts';
import { BaseCommand, EXIT_CODE_HELP } from '../cli/base-command.ts';
import { examplePolicy, parseNow } from '../cli/flags.ts';
import { planReports, reportFlags, writeReports } from '../cli/report-output.ts';
import { type AwsDemo, startAwsDemo } from '../demo/aws.ts';
import { type AzureDemo, startAzureDemo } from '../demo/azure.ts';
import { type GcpDemo, startGcpDemo } from '../demo/gcp.ts';
import { exitCodeFor, type FailOn } from '../engine/exit-code.ts';
import { evaluatePolicy } from '../index.ts';
import type { Inventory } from '../model/inventory.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';
import { AwsConfig } from '../providers/aws/schema.ts';
import { AzureConfig } from '../providers/azure/schema.ts';
import { GcpConfig } from '../providers/gcp/schema.ts';

/** Set variables for this process while `fn` runs (undefined = unset), then put them back. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

export default class Demo extends BaseCommand {
  static override summary = 'Audit a simulated estate through the real providers, offline: no credentials, no network.';
  static override description =
    `Starts in-process simulators on 127.0.0.1, seeded with the storm-0558 example: the AWS KMS, CloudTrail, CloudWatch Logs, S3, STS and Organizations APIs (plain HTTP), and Entra ID, Azure Resource Manager, Microsoft Graph and Key Vault (HTTPS with a throwaway certificate trusted by this process only), and, from a source checkout, Cloud KMS, Resource Manager and Logging (plain HTTP) with a Google Cloud estate of its own. It points the standard SDK settings of this process at them (AWS_ENDPOINT_URL_*, AWS_REGION, static fake keys, AWS_EC2_METADATA_DISABLED=true; an Azure provider block with a custom authority host and ARM endpoint, as for a private cloud) and runs the real AWS and Azure providers and the example policy's rules through them: the same code path as \`keyhygiene audit\` against real accounts and subscriptions.

Dates are evaluated as of the example snapshot (override with --now).

${EXIT_CODE_HELP}`;

  static override examples = [
    { description: 'Run the demo', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'JSON to a file and Markdown to stdout', command: '<%= config.bin %> <%= command.id %> --format json --output demo.json --format markdown' },
  ];

  static override flags = { ...reportFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo);
    const plan = planReports(flags);
    const policyFile = examplePolicy('storm-0558');
    const policy = resolvePolicyFile(policyFile);
    const snapshotPaths = (policy.providers.snapshot?.paths ?? ['inventory.json']).map((p) => join(policy.baseDir, p));
    const example: Inventory = loadSnapshots(snapshotPaths);

    const awsPart = {
      ...example,
      keys: example.keys.filter((k) => k.provider === 'aws-kms'),
      trails: example.trails.filter((t) => t.provider === 'aws-kms'),
      gaps: example.gaps.filter((g) => g.provider === 'aws-kms'),
    };
    const azurePart = {
      keys: example.keys.filter((k) => k.provider === 'azure-keyvault'),
      trails: example.trails.filter((t) => t.provider === 'azure-keyvault'),
    };
    const aws: AwsDemo = await startAwsDemo(awsPart);
    let azure: AzureDemo | undefined;
    let gcp: GcpDemo | undefined;
    let inventory: Inventory;
    let calls = 0;
    try {
      azure = await startAzureDemo(azurePart);
      gcp = await startGcpDemo();
      const demoPolicy = {
        ...policy,
        providers: {
          aws: AwsConfig.parse(aws.providerBlock),
          azure: AzureConfig.parse(azure.providerBlock),
          gcp: GcpConfig.parse(gcp.providerBlock),
        },
      };
      process.stderr.write(
        `keyhygiene demo: AWS simulator on ${aws.fake.url}, Azure simulators on ${azure.fake.url}, Google Cloud simulator on ${gcp.url} (loopback only; no credentials, no network)\n`,
      );
      inventory = await withEnv({ ...aws.env, ...azure.env, ...gcp.env }, () => collectInventory(demoPolicy, { now: new Date(), warn: (m) => this.warn(m) }));
      calls = aws.fake.stats.requests + azure.fake.requests.length + gcp.requests();
    } finally {
      await aws.stop();
      await azure?.stop();
      await gcp?.stop();
    }
    const now = parseNow(flags.now ?? 'snapshot', () => example.generatedAt);
    const result = evaluatePolicy(inventory, policy, { now, includePassed: flags['include-passed'] });
    process.stderr.write(
      `keyhygiene demo: ${inventory.keys.length} keys, ${inventory.trails.length} trails and ${inventory.gaps.length} gaps read through the AWS, Azure and GCP providers with ${calls} API calls; evaluated as of ${now.toISOString()}\n`,
    );
    writeReports(result, plan);
    process.exitCode = exitCodeFor(result, { failOn: flags['fail-on'] as FailOn, allowIncomplete: flags['allow-incomplete'] });
  }
}
