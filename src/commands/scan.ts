import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.ts';
import { runScan } from '../cli/scan-run.ts';

export default class Scan extends BaseCommand {
  static override summary = 'Scan files, dumps and archives for private key material, and prove which inventoried key it is.';
  static override description =
    `Finds private keys in every form they take on disk and in memory, and proves which inventoried key each one is. Reports offsets (and, in cores and minidumps, virtual addresses), formats, fingerprints and matches, never key bytes.

MATERIAL
  PEM (also UTF-16LE/BE, JSON-escaped, and base64-encoded as in Kubernetes Secret data values, kubectl -o json, Helm values and .env files, reported as file!base64@offset; encrypted ones flagged; broken line lengths, one-line PEM and trailing bytes tolerated), DER PKCS#1/PKCS#8/SEC1, also as bare base64 with no PEM armour (a config value "privateKey": "MIIEvQIBADAN…", .env and properties lines, XML values, YAML block scalars; reported as file!base64@offset) (SEC1 without its curve is proven through its public key or a known key, else it is unverified: exit 3), OpenSSH, PuTTY PPK, JWK with private members (also held as a JSON string, base64 or base64url as in Secret data values and token segments, and UTF-16), .NET XML keys (<RSAKeyValue> with <P>, <Q>, <D>), Windows CNG (RSA2/RSA3, ECS2/4/6, ECK2/4/6, generic ECDV/ECKV) and CAPI (PRIVATEKEYBLOB) private blobs, PKCS#12 key bags (read and proven when the PFX has no password, else reported encrypted, named by their certificate when it is stored in the clear; an encrypted part is not scanned), JKS/JCEKS private key entries (encrypted, named by their certificate chain) and, for every known public key (--snapshot, --known-keys), its RSA modulus in both byte orders and its EC point. A modulus or point is reported as a private key only when a prime factor or the private scalar is found and checked. Prose that merely names a PEM marker is not reported.

EC SCALARS IN MEMORY
  For every known P-256, P-384, P-521 or secp256k1 key, BIGNUM structures (OpenSSL's bignum_st; Go's math/big.Int in 64-bit little-endian images) in ELF cores and minidumps (64- or 32-bit, little- or big-endian, as the image's header says) are followed through the image's memory layout to their limbs, wherever they lie, and d·G is checked against the known point; in a compressed core (core.*.zst, .xz, .gz) the limbs are read on a second decoding pass. Reported with the virtual address. For every known Ed25519 or X25519 key, the 32 bytes beside its public key (seed‖public layouts) and, in cores and minidumps on disk, the pointers beside it (OpenSSL's ECX_KEY) are derived and compared: reported as okp-public, proven. In Java heap dumps (hprof) the byte[32] arrays near a known Ed25519/X25519 public key (Java keeps the private key in its own array) are derived too; an hprof cut short is a truncated gap.

CONTAINERS (opened at any depth up to --max-depth, within --max-ratio)
  gzip, zstd (systemd-coredump core.*.zst), xz, bzip2, zip (stored, deflate, bzip2, zstd, xz members; zip64), tar, Ubuntu apport .crash reports (the base64 gzip CoreDump field). Memory images recognised: ELF cores, minidumps, Windows kernel dumps, hprof, LiME, hibernation files.

WHAT CANNOT BE READ IS NEVER CLEAN (each is listed as NOT SCANNED, exit 3)
  truncated or corrupt compressed streams (what decoded is scanned; the rest is counted); base64-encoded PEM or base64 DER keys that are cut or longer than 40 KiB (what decoded is scanned, and reported at the same file!base64@offset as the gap); ELF cores and minidumps shorter than their headers say (the missing bytes are counted); lz4, lzip, lzma, 7z, rar and compress (.Z) files (not decoded); encrypted archives, zip64 archives missing their zip64 records; decompression bombs (stopped at the bound); nested archives over 64 MiB; unreadable files, symlink loops; FIFOs, sockets and devices met inside a directory (never opened; a pipe named on the command line is read: - for standard input, <(command), a FIFO); a piped stream longer than 64 GiB (the rest is counted as not scanned); procfs and sysfs files that report 0 bytes; a core of ssh-agent (its identities are shielded in memory: recoverable from the dump, not decoded here).

EXIT CODES
  0  no private key material found and every file was read
  1  private key material found (proven, or encrypted)
  2  usage or input error
  3  some files or archive members could not be read, or a private-key block (PEM, DER, OpenSSH, JWK, …) could not be parsed or verified (unless --allow-incomplete)`;

  static override examples = [
    {
      description: 'Scan one large core on two threads (large files are split into ranges)',
      command: '<%= config.bin %> <%= command.id %> --jobs 2 --known-keys signer.pem core.4242',
    },
    { description: 'Scan a crash-dump share', command: '<%= config.bin %> <%= command.id %> /mnt/crash-dumps' },
    {
      description: 'Match against the keys of an inventory snapshot and write JSON',
      command: '<%= config.bin %> <%= command.id %> --snapshot inventory.json --json core.4242 "dumps/**/*.dmp" > findings.json',
    },
    {
      description: 'Match against public keys from files: a JWKS, certificates, authorized_keys (repeat the flag, or separate with commas)',
      command: '<%= config.bin %> <%= command.id %> --known-keys jwks.json --known-keys signing.crt,deploy.pub /var/lib/systemd/coredump',
    },
    {
      description: 'A config file holding a DER key as bare base64 ("SigningKey": "MIIEvQIBADAN…"): decoded, proven and matched',
      command: '<%= config.bin %> <%= command.id %> --known-keys signing.pub.pem appsettings.json .env',
    },
    {
      description: 'A Kubernetes TLS Secret shared for debugging: the base64-encoded tls.key is decoded and proven against the certificate',
      command: '<%= config.bin %> <%= command.id %> --known-keys ingress.crt secret.yaml',
    },
    {
      description: 'Scan what a command prints, without writing it to disk: standard input (-) or a process substitution',
      command: 'kubectl get secrets -A -o yaml | <%= config.bin %> <%= command.id %> --known-keys ingress.crt -',
    },
  ];

  static override strict = false;
  static override args = { path: Args.string({ description: 'files, directories or globs to scan; - reads standard input', required: true }) };

  static override flags = {
    snapshot: Flags.string({
      char: 's',
      description: 'inventory snapshot whose public keys to recognise (repeat the flag or separate with commas; the paths after it stay paths)',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpValue: 'FILE',
    }),
    'known-keys': Flags.string({
      char: 'k',
      description:
        'file of public keys to recognise: SPKI/PKCS#1 PEM or DER, X.509 certificates, JWK, JWKS, OpenSSH or RFC 4716 public keys (repeat the flag or separate with commas)',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpValue: 'FILE',
    }),
    json: Flags.boolean({ description: 'print the findings as JSON' }),
    'show-public': Flags.boolean({ description: 'also list places where only the public half of a known key was found' }),
    jobs: Flags.integer({
      char: 'j',
      description:
        'threads scanning at once, the main one and N − 1 workers: files, and ranges of one file of 256 MiB or more (default: half the cores, at most 8: the reads of each run on other cores)',
      min: 1,
      max: 64,
    }),
    'max-ratio': Flags.integer({ description: 'largest decompression ratio before a stream counts as a bomb', default: 200, min: 2 }),
    'max-depth': Flags.integer({ description: 'archive nesting depth opened', default: 4, min: 1, max: 16 }),
    'allow-incomplete': Flags.boolean({
      description: 'exit 0 even when some files could not be read or a private-key block could not be verified (both stay in the report)',
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Scan);
    await runScan(
      {
        paths: argv as string[],
        snapshot: flags.snapshot,
        knownKeys: flags['known-keys'],
        json: flags.json,
        showPublic: flags['show-public'],
        jobs: flags.jobs,
        maxRatio: flags['max-ratio'],
        maxDepth: flags['max-depth'],
        allowIncomplete: flags['allow-incomplete'],
      },
      (message) => this.warn(message),
    );
  }
}
