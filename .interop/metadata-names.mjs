// argv[2...]: paths of metadata files (binary, "meta"-prefixed) -> stdout: a JSON
// array with, per file, {summary: {version, pallets: [{name, index, calls, storage, events, errors,
// constants}], extensions}, indices: [{calls, events, errors}]} (names, and
// variant indices per pallet) as decoded by polkadot-js (@polkadot/types).
import { TypeRegistry, Metadata } from '@polkadot/types';
import { readFileSync } from 'node:fs';

function summarize(path) {
  const bytes = new Uint8Array(readFileSync(path));
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, bytes);
  registry.setMetadata(metadata);
  const latest = metadata.asLatest;
  const variants = (opt) => {
    if (opt.isNone) return [];
    const ty = registry.lookup.getSiType(opt.unwrap().type);
    return ty.def.asVariant.variants.map((v) => ({ name: v.name.toString(), index: v.index.toNumber() }));
  };
  const names = (vs) => vs.map((v) => v.name);
  const idx = (vs) => vs.map((v) => v.index);
  const pallets = latest.pallets.map((p) => ({
    name: p.name.toString(),
    index: p.index.toNumber(),
    calls: variants(p.calls),
    storage: p.storage.isSome ? p.storage.unwrap().items.map((i) => i.name.toString()) : [],
    events: variants(p.events),
    errors: variants(p.errors),
    constants: p.constants.map((c) => c.name.toString()),
  }));
  const out = {
    summary: {
      version: metadata.version,
      pallets: pallets.map((p) => ({ ...p, calls: names(p.calls), events: names(p.events), errors: names(p.errors) })),
      extensions: (latest.extrinsic.transactionExtensions ?? latest.extrinsic.signedExtensions).map((e) => e.identifier.toString()),
    },
    indices: pallets.map((p) => ({ calls: idx(p.calls), events: idx(p.events), errors: idx(p.errors) })),
  };
  return out;
}

console.log(JSON.stringify(process.argv.slice(2).map(summarize)));
