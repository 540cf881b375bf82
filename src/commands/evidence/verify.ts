import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base-command.ts';
import { loadPublicKey, verifyEvidence } from '../../evidence/verify.ts';

export default class EvidenceVerify extends BaseCommand {
  static override summary = 'Check an evidence bundle against its manifest and signature; name every file that changed.';
  static override description =
    `Recomputes the SHA-256 of every file the manifest lists, reports changed, missing and unlisted files, and checks the manifest's signature when there is one.

EXIT CODES
  0  every file matches (and the signature is valid, and by the pinned key if --public-key is given)
  1  something changed, is missing or unlisted, or the signature is invalid, missing or by another key
  2  usage or input error (no manifest, unreadable key)`;
  static override examples = [
    { description: 'Check a bundle', command: '<%= config.bin %> <%= command.id %> evidence/2026-11-01' },
    {
      description: 'Require a signature by a known key',
      command: '<%= config.bin %> <%= command.id %> evidence/2026-11-01 --public-key audit-signing.pub.pem',
    },
  ];
  static override enableJsonFlag = true;
  static override args = { dir: Args.string({ description: 'the bundle directory (written by `keyhygiene audit --evidence DIR`)', required: true }) };
  static override flags = {
    'public-key': Flags.string({ description: 'require the manifest to be signed by this key (PEM public key)', helpValue: 'FILE' }),
    'require-signature': Flags.boolean({ description: 'fail when the bundle is not signed' }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(EvidenceVerify);
    const publicKey = flags['public-key'] ? loadPublicKey(flags['public-key']) : undefined;
    const check = verifyEvidence(args.dir, { publicKey, requireSignature: flags['require-signature'] });
    const m = check.manifest;
    if (!this.jsonEnabled()) {
      const lines = [
        `Bundle written ${m.createdAt} by keyhygiene ${m.tool.version}; result of ${m.resultGeneratedAt}.`,
        ...m.identities.map((i) => `  provider ${i.provider}${i.identity ? ` as ${i.identity}` : ''}`),
        `${check.verified} of ${m.files.length} files match the manifest.`,
        ...check.changed.map((p) => `CHANGED   ${p}`),
        ...check.missing.map((p) => `MISSING   ${p}`),
        ...check.unlisted.map((p) => `UNLISTED  ${p}`),
      ];
      if (check.signature)
        lines.push(
          `Signature (${check.signature.algorithm}, key SHA-256 ${check.signature.publicKeySha256}): ${check.signature.valid ? 'valid' : 'INVALID'}${
            check.signature.trusted === false ? ', but NOT by the key given with --public-key' : check.signature.trusted ? ', by the pinned key' : ''
          }.`,
        );
      else lines.push(publicKey || flags['require-signature'] ? 'Signature: MISSING (required).' : 'Signature: none (unsigned bundle).');
      lines.push(check.ok ? 'OK: the bundle is intact.' : 'FAILED: the bundle does not match its manifest.');
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    process.exitCode = check.ok ? 0 : 1;
    return {
      ok: check.ok,
      changed: check.changed,
      missing: check.missing,
      unlisted: check.unlisted,
      verified: check.verified,
      signature: check.signature ?? null,
    };
  }
}
