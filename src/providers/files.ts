// The directory lister collectInventory injects into providers (CollectContext.listDir).
import { readdirSync } from 'node:fs';

/** Entry names of a directory; [] when it does not exist or cannot be read. */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
