// Where a result lives on disk, for SARIF physical locations and GitHub annotations. Pure.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResultEntry } from '../engine/result.ts';

export interface FileLocation {
  /** The path as recorded (absolute, or relative to where the audit ran). */
  path: string;
  /** Byte offset inside the file, for artifact findings. */
  offset?: number;
  /** 1-based line, for planned (IaC) resources whose declaration was located. */
  line?: number;
}

/**
 * The local file a result points into: a planned resource's declaration (IaC file and line), an
 * artifact finding's file (the outer file of an archive member), never a cloud resource or a remote
 * object (s3://, https://).
 */
export function fileLocationOf(entry: Pick<ResultEntry, 'subject'>): FileLocation | undefined {
  const planned = entry.subject.location;
  if (planned?.file) return { path: planned.file, ...(planned.line ? { line: planned.line } : {}) };
  if (entry.subject.kind !== 'artifact') return undefined;
  const id = entry.subject.id;
  const at = id.lastIndexOf('@');
  const location = at > 0 ? id.slice(0, at) : id;
  const offset = at > 0 ? Number(id.slice(at + 1)) : Number.NaN;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  const path = location.split('!')[0] ?? location;
  return path ? { path, ...(Number.isInteger(offset) && offset >= 0 ? { offset } : {}) } : undefined;
}

/** A path relative to `root` with forward slashes, or undefined when it lies outside `root`. */
export function relativeTo(root: string, path: string): string | undefined {
  const rel = relative(resolve(root), resolve(root, path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** A SARIF artifactLocation: relative to %SRCROOT% when inside it, else an absolute file URI. */
export function sarifArtifactLocation(path: string, srcRoot: string | undefined): { uri: string; uriBaseId?: string } {
  if (srcRoot) {
    const rel = relativeTo(srcRoot, path);
    if (rel) return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split(/[\\/]/).map(encodeURIComponent).join('/') };
}
