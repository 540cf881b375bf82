// Write oclif.manifest.json after the build: the commands' ids, flags, args and help text, so that
// `keyhygiene --help` and a command's `--help` start without importing any command module (and so
// without loading a cloud SDK). What `oclif manifest` does, with @oclif/core's own Plugin loader.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plugin } from '@oclif/core';

const root = join(import.meta.dirname, '..');
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true });
await plugin.load();
const file = join(root, 'oclif.manifest.json');
writeFileSync(file, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`wrote ${file} (${Object.keys(plugin.manifest.commands).length} commands)`);
