// A core of ssh-agent is never clean: OpenSSH (8.1 and later) shields every identity the agent holds
// (sshkey_shield_private: encrypted under a key hashed from a 16 KiB random prekey in the same process),
// so no key encoding is visible, yet the keys are recoverable from the dump. The process is named by the
// core's NT_PRPSINFO note (pr_fname, before pr_psargs[80] at the end of elf_prpsinfo). Tested on ELF
// cores built from the gABI (PT_NOTE with a "CORE" NT_PRPSINFO note, PT_LOAD), zstd-compressed as
// systemd-coredump writes them, and on a real gcore of ssh-agent holding Ed25519, RSA and ECDSA keys.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { which } from '../helpers/which.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-agent-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ELF note: namesz, descsz, type, name and desc each padded to 4 bytes. */
function note(name: string, type: number, desc: Buffer): Buffer {
  const n = Buffer.from(`${name}\0`, 'latin1');
  const head = Buffer.alloc(12);
  head.writeUInt32LE(n.length, 0);
  head.writeUInt32LE(desc.length, 4);
  head.writeUInt32LE(type, 8);
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  return Buffer.concat([head, pad(n), pad(desc)]);
}

/** x86-64 elf_prpsinfo (136 bytes): pr_fname at 40, pr_psargs at 56. */
function prpsinfo(fname: string, args: string): Buffer {
  const d = Buffer.alloc(136);
  d.writeUInt32LE(4242, 24); // pr_pid
  d.write(fname.slice(0, 15), 40, 'latin1');
  d.write(args.slice(0, 79), 56, 'latin1');
  return d;
}

/** An ELF64 little-endian core: PT_NOTE (NT_PRSTATUS placeholder, NT_PRPSINFO) and one PT_LOAD. */
function coreOf(fname: string, memory: Buffer): Buffer {
  const notes = Buffer.concat([note('CORE', 1, Buffer.alloc(336)), note('CORE', 3, prpsinfo(fname, `/usr/bin/${fname} -D`))]);
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 2;
  h[5] = 1;
  h[6] = 1;
  h.writeUInt16LE(4, 16); // ET_CORE
  h.writeUInt16LE(62, 18);
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(64n, 32);
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(2, 56);
  const ph = Buffer.alloc(112);
  const notesAt = 64 + 112;
  const loadAt = 4096;
  ph.writeUInt32LE(4, 0); // PT_NOTE
  ph.writeBigUInt64LE(BigInt(notesAt), 8);
  ph.writeBigUInt64LE(BigInt(notes.length), 32);
  ph.writeUInt32LE(1, 56); // PT_LOAD
  ph.writeUInt32LE(6, 60);
  ph.writeBigUInt64LE(BigInt(loadAt), 64);
  ph.writeBigUInt64LE(0x5600_0000_0000n, 72);
  ph.writeBigUInt64LE(BigInt(memory.length), 96);
  ph.writeBigUInt64LE(BigInt(memory.length), 104);
  return Buffer.concat([h, ph, notes, Buffer.alloc(loadAt - notesAt - notes.length), memory]);
}

describe('ssh-agent cores', () => {
  it('a core whose NT_PRPSINFO names ssh-agent is a decode-shielded gap, on disk and zstd-compressed; another process is clean', async () => {
    const mem = randomBytes(64 * 1024);
    writeFileSync(join(dir, 'core.ssh-agent.4242'), coreOf('ssh-agent', mem));
    writeFileSync(join(dir, 'core.ssh-agent.4242.zst'), zstdCompressSync(coreOf('ssh-agent', mem)));
    writeFileSync(join(dir, 'core.signer.4242'), coreOf('signer', mem));
    for (const name of ['core.ssh-agent.4242', 'core.ssh-agent.4242.zst']) {
      const r = await scanFile(join(dir, name), name);
      expect(
        r.gaps.map((g) => [g.operation, g.location.startsWith(name)]),
        name,
      ).toEqual([['decode-shielded', true]]);
      expect(r.gaps[0]?.reason).toMatch(/ssh-agent.*shielded.*treat every key loaded in this agent .* as exposed/);
    }
    const other = await scanFile(join(dir, 'core.signer.4242'), 'core.signer.4242');
    expect(other.gaps).toEqual([]);
    expect(other.findings).toEqual([]);
  });

  it('a real gcore of ssh-agent holding Ed25519, RSA and ECDSA identities is not clean', async () => {
    for (const tool of ['ssh-agent', 'ssh-add', 'ssh-keygen', 'gcore']) {
      if (!which(tool)) throw new Error(`this test needs ${tool} on PATH (apt-get install -y openssh-client gdb)`);
    }
    for (const t of ['ed25519', 'rsa', 'ecdsa']) execFileSync('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', join(dir, `id_${t}`)]);
    const sock = join(dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100; i++) {
        if (readdirSync(dir).includes('agent.sock')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const t of ['ed25519', 'rsa', 'ecdsa'])
        execFileSync('ssh-add', [join(dir, `id_${t}`)], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      execFileSync('gcore', ['-o', join(dir, 'agent'), String(agent.pid)], { stdio: 'ignore' });
    } finally {
      agent.kill('SIGKILL');
    }
    const core = readdirSync(dir).find((f) => f.startsWith('agent.') && f !== 'agent.sock') as string;
    expect(readFileSync(join(dir, core)).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    const r = await scanFile(join(dir, core), core);
    expect(r.gaps.map((g) => g.operation)).toEqual(['decode-shielded']);
  }, 120_000);
});
