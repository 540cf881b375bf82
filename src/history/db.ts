// The history database: SQLite through Node's built-in node:sqlite (no native dependency), with
// versioned migrations (PRAGMA user_version) and an application id that marks the file as ours.
import { existsSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { UserError } from '../errors.ts';

/** 'KHY1': PRAGMA application_id of a keyhygiene history file. */
export const APPLICATION_ID = 0x4b485931;

/** Each entry moves the schema from version i to i + 1. Never edit a released entry: append one. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY,
     time TEXT NOT NULL,
     time_ms INTEGER NOT NULL,
     tool_version TEXT,
     policy_hash TEXT,
     inventory_hash TEXT,
     results INTEGER NOT NULL,
     fail INTEGER NOT NULL, error INTEGER NOT NULL, unknown INTEGER NOT NULL, waived INTEGER NOT NULL, pass INTEGER NOT NULL,
     gaps INTEGER NOT NULL,
     incomplete INTEGER NOT NULL,
     source TEXT
   );
   CREATE TABLE findings (
     id INTEGER PRIMARY KEY,
     fingerprint TEXT NOT NULL UNIQUE,
     rule_id TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL,
     subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, provider TEXT, account TEXT, region TEXT,
     environment TEXT, trust_domain TEXT, key_class TEXT,
     first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, last_outcome TEXT NOT NULL,
     status TEXT CHECK (status IN ('open', 'resolved', 'undecided', 'passing')),
     opened_ms INTEGER, resolved_ms INTEGER
   );
   CREATE INDEX findings_status ON findings (status);
   CREATE TABLE run_results (
     run_id INTEGER NOT NULL REFERENCES runs (id),
     finding_id INTEGER NOT NULL REFERENCES findings (id),
     outcome TEXT NOT NULL,
     PRIMARY KEY (run_id, finding_id)
   ) WITHOUT ROWID;
   CREATE TABLE fixes (
     finding_id INTEGER NOT NULL REFERENCES findings (id),
     opened_ms INTEGER NOT NULL,
     resolved_ms INTEGER NOT NULL,
     resolved_run INTEGER NOT NULL REFERENCES runs (id)
   );
   CREATE INDEX fixes_finding ON fixes (finding_id);
   CREATE TABLE run_scopes (
     run_id INTEGER NOT NULL REFERENCES runs (id),
     environment TEXT NOT NULL,
     trust_domain TEXT NOT NULL,
     failing INTEGER NOT NULL,
     PRIMARY KEY (run_id, environment, trust_domain)
   ) WITHOUT ROWID;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const FIX_CORRUPT =
  'earlier runs in it were not changed. Restore the file from your artifact or cache, or move it aside to start a new history; `sqlite3 FILE "PRAGMA integrity_check"` shows the damage';

/** An error from SQLite as one clear paragraph (exit 2) naming the file and the fix. */
export function historyError(file: string, err: unknown): UserError {
  const e = err as { message?: string; errcode?: number; errstr?: string };
  const msg = e.message ?? String(err);
  const code = (e.errcode ?? 0) & 0xff;
  if (code === 5 || code === 6 || /locked|busy/i.test(msg))
    return new UserError({
      file,
      message: `the history database is locked by another process (${msg}).`,
      hint: 'wait for the other keyhygiene run to finish (one writer at a time), or give each concurrent job its own --history file',
    });
  if (code === 11 || code === 26 || /malformed|not a database|corrupt/i.test(msg))
    return new UserError({ file, message: `the history database is damaged or not a SQLite file (${msg}).`, hint: FIX_CORRUPT });
  return new UserError({ file, message: `the history database could not be used (${msg}).`, hint: 'check the path, its permissions and free disk space' });
}

async function sqlite(): Promise<typeof import('node:sqlite')> {
  try {
    return await import('node:sqlite');
  } catch {
    throw new UserError({
      message: `history needs Node's built-in SQLite (node:sqlite), which this Node ${process.version} does not provide.`,
      hint: 'run keyhygiene on Node 22.13 or later (Node 24 recommended)',
    });
  }
}

/** Bring a database to the current schema inside one transaction; refuse files that are not ours or are newer. */
function migrate(db: DatabaseSync, file: string): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  const appId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
  const tables = Number((db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n);
  if ((appId !== APPLICATION_ID && (version > 0 || tables > 0)) || (appId === APPLICATION_ID && version === 0 && tables > 0))
    throw new UserError({
      file,
      message: 'this SQLite file is not a keyhygiene history database.',
      hint: 'give --history a new file name or a file an earlier `keyhygiene audit --history` wrote; this file was not changed',
    });
  if (version > SCHEMA_VERSION)
    throw new UserError({
      file,
      message: `the history database has schema version ${version}; this keyhygiene knows up to ${SCHEMA_VERSION}.`,
      hint: 'upgrade keyhygiene to the version that wrote it; the file was not changed',
    });
  if (version === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Open (or, unless readOnly, create) a history database at the current schema. Every SQLite failure
 * becomes a UserError naming the file.
 */
export async function openHistory(file: string, opts: { readOnly?: boolean; timeoutMs?: number } = {}): Promise<DatabaseSync> {
  const { DatabaseSync } = await sqlite();
  if (opts.readOnly && file !== ':memory:' && !existsSync(file))
    throw new UserError({ file, message: 'no history database at this path.', hint: 'record runs first with `keyhygiene audit --history FILE`' });
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: opts.readOnly ?? false, timeout: opts.timeoutMs ?? 5000 });
    db.exec('PRAGMA foreign_keys = ON');
    if (opts.readOnly) {
      const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
      const appId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
      if (appId !== APPLICATION_ID || version !== SCHEMA_VERSION)
        throw new UserError({
          file,
          message: `this file is not a keyhygiene history database of schema ${SCHEMA_VERSION} (application id ${appId}, version ${version}).`,
          hint: 'give the file `keyhygiene audit --history` writes; a file from an older keyhygiene is upgraded by the next `audit --history` run',
        });
    } else migrate(db, file);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof UserError) throw err;
    throw historyError(file, err);
  }
}
