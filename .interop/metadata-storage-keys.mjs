// argv[2]: path of a metadata file (binary); stdin: JSON [{pallet, entry,
// args: [...]}] with names as in the metadata ("System", "Account") and
// arguments as polkadot-js accepts them -> stdout: JSON [keyHex] computed
// offline by @polkadot/types' decorated storage (api.query key computation).
import { TypeRegistry, Metadata, expandMetadata } from '@polkadot/types';
import { compactStripLength, stringCamelCase, u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const registry = new TypeRegistry();
const metadata = new Metadata(registry, new Uint8Array(readFileSync(process.argv[2])));
registry.setMetadata(metadata);
const decorated = expandMetadata(registry, metadata);
const queries = JSON.parse(readFileSync(0, 'utf8'));
const out = queries.map(({ pallet, entry, args }) => {
  const fn = decorated.query[stringCamelCase(pallet)][stringCamelCase(entry)];
  const a = fn.meta.type.isPlain ? [] : args;
  // The decorated function returns the key with a compact length prefix.
  return u8aToHex(compactStripLength(fn(...a))[1]);
});
console.log(JSON.stringify(out));
