import * as crypto from 'node:crypto';
import * as workerThreads from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { nodeCrypto, nodeWorkerThreads } from '../../src/util/builtins.ts';

describe('built-ins loaded on first use', () => {
  it('give the same modules as an import, the same object on every call', () => {
    expect(nodeCrypto().createHash).toBe(crypto.createHash);
    expect(nodeCrypto().X509Certificate).toBe(crypto.X509Certificate);
    expect(nodeCrypto()).toBe(nodeCrypto());
    expect(nodeWorkerThreads().Worker).toBe(workerThreads.Worker);
    expect(nodeWorkerThreads()).toBe(nodeWorkerThreads());
  });
});
