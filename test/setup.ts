// Global test guard: no credentials from the machine, no instance-metadata probes, and no socket to
// anything outside 127.0.0.0/8 (or ::1). A test that tries fails loudly instead of leaking.
// Test files share worker processes (vitest `isolate: false`, see vitest.config.ts), so this file runs
// once per test file: it restores the environment, working directory and exit code a file changed,
// and installs the network guard only once per process.
import net from 'node:net';
import { afterAll } from 'vitest';

for (const k of Object.keys(process.env)) {
  if (/^(AWS_|AZURE_|GOOGLE_|GCLOUD_|CLOUDSDK_|MSI_|IDENTITY_)/.test(k)) delete process.env[k];
}
Object.assign(process.env, {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIDTESTFAKE',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  NO_COLOR: '1',
});

const savedEnv = { ...process.env };
const savedCwd = process.cwd();
afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  if (process.cwd() !== savedCwd) process.chdir(savedCwd);
  process.exitCode = undefined;
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

type ConnectArgs = Parameters<typeof net.Socket.prototype.connect>;
const GUARDED = Symbol.for('keyhygiene.test.netGuard');
const proto = net.Socket.prototype as typeof net.Socket.prototype & { [GUARDED]?: true };
const originalConnect = net.Socket.prototype.connect;
function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string | unknown[];
  let host: string | undefined;
  let path: string | undefined;
  if (Array.isArray(first)) {
    const opts = first[0] as { host?: string; path?: string };
    host = opts?.host;
    path = opts?.path;
  } else if (typeof first === 'object' && first !== null) {
    host = first.host;
    path = first.path;
  } else if (typeof first === 'number') host = typeof args[1] === 'string' ? (args[1] as string) : 'localhost';
  else if (typeof first === 'string') path = first;
  if (!path && host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test network guard: refused connection to ${host} (only 127.0.0.0/8 and ::1 are allowed in tests)`);
  }
  if (!path && host === undefined && !(typeof first === 'number')) {
    // net.connect({port}) defaults to localhost
  }
  return originalConnect.apply(this, args as ConnectArgs);
}
if (!proto[GUARDED]) {
  proto[GUARDED] = true;
  net.Socket.prototype.connect = guardedConnect as typeof net.Socket.prototype.connect;
}
