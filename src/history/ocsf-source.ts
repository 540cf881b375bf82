// Rebuild runs from OCSF JSON Lines files written by `keyhygiene audit --format ocsf` (one file per
// run, as a scheduled job stores them in object storage), so `keyhygiene history` answers from a
// data lake export as from the database. OCSF events carry no collection gaps: a finding absent from
// a later run counts as resolved.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DatabaseSync } from 'node:sqlite';
import type { Outcome } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import { type RunRecord, type RunResult, recordRun } from './record.ts';

const MAX_LINE = 1 << 20;
const SEVERITY = ['unknown', 'info', 'low', 'medium', 'high', 'critical'];
const OUTCOMES = new Set<string>(['fail', 'error', 'unknown', 'waived', 'pass']);

interface OcsfEvent {
  class_uid?: number;
  severity_id?: number;
  metadata?: { original_time?: string; product?: { name?: string; version?: string } };
  finding_info?: { uid?: string; analytic?: { uid?: string; category?: string } };
  cloud?: { account?: { uid?: string }; region?: string };
  unmapped?: { keyhygiene?: { outcome?: string; subject?: { kind?: string; id?: string; provider?: string }; scope?: Record<string, string> } };
}

/** The OCSF files under the given paths (directories: every *.jsonl inside, recursively), sorted by name. */
export function ocsfFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new UserError({
        file: p,
        message: 'no such file or directory.',
        hint: 'give OCSF JSON Lines files written by `keyhygiene audit --format ocsf`, or directories of them',
      });
    }
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else if (st.isFile() && (p.endsWith('.jsonl') || paths.includes(p))) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

function resultOf(e: OcsfEvent, file: string, line: number): RunResult | undefined {
  const k = e.unmapped?.keyhygiene;
  const bad = (what: string) =>
    new UserError({ file, line, message: `this OCSF event has no ${what}.`, hint: 'give events written by `keyhygiene audit --format ocsf`' });
  if (e.class_uid !== 2003 || e.metadata?.product?.name !== 'keyhygiene') throw bad('keyhygiene Compliance Finding (class_uid 2003, product keyhygiene)');
  if (k?.outcome === 'resolved') return undefined;
  if (!k?.outcome || !OUTCOMES.has(k.outcome) || !k.subject?.id || !k.subject.kind) throw bad('unmapped.keyhygiene outcome and subject');
  const fingerprint = e.finding_info?.uid;
  const ruleId = e.finding_info?.analytic?.uid;
  if (!fingerprint || !ruleId) throw bad('finding_info.uid and finding_info.analytic.uid');
  return {
    fingerprint,
    ruleId,
    category: e.finding_info?.analytic?.category ?? 'unknown',
    severity: SEVERITY[e.severity_id ?? 0] ?? 'unknown',
    outcome: k.outcome as Outcome,
    subjectKind: k.subject.kind,
    subjectId: k.subject.id,
    ...(k.subject.provider ? { provider: k.subject.provider } : {}),
    ...(e.cloud?.account?.uid ? { account: e.cloud.account.uid } : {}),
    ...(e.cloud?.region ? { region: e.cloud.region } : {}),
    ...(k.scope?.environment ? { environment: k.scope.environment } : {}),
    ...(k.scope?.trustDomain ? { trustDomain: k.scope.trustDomain } : {}),
    ...(k.scope?.keyClass ? { keyClass: k.scope.keyClass } : {}),
  };
}

const emptyRun = (time: string, file: string, version?: string): RunRecord => ({
  time,
  source: `ocsf:${file}`,
  ...(version ? { toolVersion: version } : {}),
  results: [],
  gaps: [],
  incomplete: false,
});

/** Stream one file; record a run each time the run time (metadata.original_time) changes. Returns runs recorded. */
async function recordFile(db: DatabaseSync, file: string, dbLabel: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let run: RunRecord | undefined;
  let n = 0;
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    if (text.length > MAX_LINE) throw new UserError({ file, line, message: `line longer than ${MAX_LINE} characters.`, hint: 'give one OCSF event per line' });
    let e: OcsfEvent;
    try {
      e = JSON.parse(text) as OcsfEvent;
    } catch (err) {
      throw new UserError({
        file,
        line,
        message: `not JSON (${(err as Error).message}).`,
        hint: 'OCSF JSON Lines: one event per line (`--format ocsf`, not `ocsf-json`)',
      });
    }
    const time = e.metadata?.original_time;
    if (!time || Number.isNaN(Date.parse(time)))
      throw new UserError({
        file,
        line,
        message: 'this OCSF event has no metadata.original_time.',
        hint: 'give events written by `keyhygiene audit --format ocsf`',
      });
    if (run && run.time !== time) {
      recordRun(db, run, dbLabel);
      n++;
      run = undefined;
    }
    run ??= emptyRun(time, file, e.metadata?.product?.version);
    const r = resultOf(e, file, line);
    if (r) run.results.push(r);
  }
  if (run) {
    recordRun(db, run, dbLabel);
    n++;
  }
  return n;
}

/** First run time in a file (to order files), or undefined for an empty file. */
async function firstTime(file: string): Promise<string | undefined> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', end: MAX_LINE }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    if (!text.trim()) continue;
    lines.close();
    try {
      return (JSON.parse(text) as OcsfEvent).metadata?.original_time;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Record every run found in the files, oldest first, into a (fresh, in-memory) history database. */
export async function recordOcsfFiles(db: DatabaseSync, files: readonly string[]): Promise<number> {
  const timed = await Promise.all(files.map(async (f) => ({ f, t: (await firstTime(f)) ?? '' })));
  timed.sort((a, b) => Date.parse(a.t || '0') - Date.parse(b.t || '0') || a.f.localeCompare(b.f));
  let runs = 0;
  for (const { f } of timed) runs += await recordFile(db, f, f);
  return runs;
}
