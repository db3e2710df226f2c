// Copies the catalogs the Java side loads (events-schema/src/main/resources/catalogs) into dist/catalogs, so the
// package validates against the very same files: EventCatalog.load('hyvve').
import { cpSync, mkdirSync, readdirSync } from 'node:fs';

const from = new URL('../../../events-schema/src/main/resources/catalogs/', import.meta.url);
const to = new URL('../dist/catalogs/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((f) => f.endsWith('.catalog.json'))) {
  cpSync(new URL(file, from), new URL(file, to));
}
