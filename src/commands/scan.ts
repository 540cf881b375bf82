import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { loadSnapshots } from '../audit.ts';
import { BaseCommand } from '../cli/base-command.ts';
import { UserError } from '../errors.ts';
import { type KnownKeyInput, scanPaths } from '../scan/index.ts';
import { renderScanText, scanExitCode, scanResult } from '../scan/report.ts';
import { isGlob } from '../scan/walk.ts';

export default class Scan extends BaseCommand {
  static override summary = 'Scan files, dumps and archives for private key material, and prove which inventoried key it is.';
  static override description =
    `Finds private keys in every form they take on disk and in memory: PEM (encrypted ones flagged), DER PKCS#1/PKCS#8/SEC1, OpenSSH, PuTTY PPK, JWK with private members, Windows CNG and CAPI private blobs and, for every public key of --snapshot, its RSA modulus in both byte orders and its EC point. A modulus is reported as a private key only when a prime factor of it is found nearby. Crash dumps, core files, heap dumps, LiME and hibernation files are recognised; gzip, zip and tar are opened. Reports offsets, formats, fingerprints and matches, never key bytes.

EXIT CODES
  0  no private key material found and every file was read
  1  private key material found (proven, or encrypted)
  2  usage or input error
  3  some files or archive members could not be read (unless --allow-incomplete)`;

  static override examples = [
    { description: 'Scan a crash-dump share', command: '<%= config.bin %> <%= command.id %> /mnt/crash-dumps' },
    {
      description: 'Match against the keys of an inventory snapshot and write JSON',
      command: '<%= config.bin %> <%= command.id %> --snapshot inventory.json --json core.4242 "dumps/**/*.dmp" > findings.json',
    },
  ];

  static override strict = false;
  static override args = { path: Args.string({ description: 'files, directories or globs to scan', required: true }) };

  static override flags = {
    snapshot: Flags.string({ char: 's', description: 'inventory snapshot whose public keys to recognise (repeatable)', multiple: true, helpValue: 'FILE' }),
    json: Flags.boolean({ description: 'print the findings as JSON' }),
    'show-public': Flags.boolean({ description: 'also list places where only the public half of a known key was found' }),
    jobs: Flags.integer({ char: 'j', description: 'files scanned in parallel (default: cores, at most 8)', min: 1, max: 64 }),
    'max-ratio': Flags.integer({ description: 'largest decompression ratio before a stream counts as a bomb', default: 200, min: 2 }),
    'max-depth': Flags.integer({ description: 'archive nesting depth opened', default: 4, min: 1, max: 16 }),
    'allow-incomplete': Flags.boolean({ description: 'exit 0 even when some files could not be read (they stay in the report)' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Scan);
    const inputs = argv as string[];
    for (const p of inputs) {
      if (!isGlob(p) && !existsSync(p))
        throw new UserError({ message: `${p}: no such file or directory.`, hint: 'check the path; quote globs so the shell does not expand them' });
    }
    const known: KnownKeyInput[] = [];
    if (flags.snapshot?.length) {
      const inv = loadSnapshots(flags.snapshot, new Date().toISOString());
      for (const k of [...inv.keys, ...inv.publishedKeys]) if (k.publicKey) known.push({ id: k.id, publicKey: k.publicKey });
      if (known.length === 0) this.warn('the snapshot holds no public keys (publicKey): only self-describing key formats will be found, not bare moduli.');
    }
    const tty = process.stderr.isTTY && !process.env.CI;
    const started = performance.now();
    let last = 0;
    const progress = tty
      ? (done: number) => {
          const now = performance.now();
          if (now - last < 200) return;
          last = now;
          const mbps = done / 1e6 / ((now - started) / 1000);
          process.stderr.write(`\r\u001b[2Kscanning… ${(done / 2 ** 20).toFixed(0)} MiB, ${mbps.toFixed(0)} MB/s`);
        }
      : undefined;
    const report = await scanPaths({
      inputs,
      baseDir: process.cwd(),
      known,
      jobs: flags.jobs,
      limits: { maxRatio: flags['max-ratio'], maxDepth: flags['max-depth'] },
      progress,
    });
    if (tty) process.stderr.write('\r\u001b[2K');
    const result = scanResult(report);
    process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderScanText(result, { showPublic: flags['show-public'] }));
    process.exitCode = scanExitCode(result, flags['allow-incomplete']);
  }
}
