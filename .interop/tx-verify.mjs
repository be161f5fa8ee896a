// Oracle for ksm's extrinsic builder: decodes extrinsics with polkadot-js
// (offline: TypeRegistry + Metadata from the same metadata bytes) and checks
// their signatures against the signing payload polkadot-js computes.
//   stdin: JSON {metadata: PATH, ss58: N, genesisHash, specVersion, txVersion,
//                extrinsics: [{hex, blockHash, metadataHash?}]}
//   stdout: JSON [{signed, section, method, callHex, args, signer, era, nonce,
//                  tip, mode, payload, signatureValid, crypto}]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { TypeRegistry, Metadata } from '@polkadot/types';
import { cryptoWaitReady, signatureVerify, blake2AsU8a } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

await cryptoWaitReady();
const req = JSON.parse(readFileSync(0, 'utf8'));
const registry = new TypeRegistry();
let metaBytes = readFileSync(req.metadata);
if (req.metadata.endsWith('.js')) {
  // @polkadot/types-support hex module: Option<OpaqueMetadata> hex
  const mod = await import(pathToFileURL(req.metadata).href);
  let b = Buffer.from(mod.default.slice(2), 'hex');
  if (b[0] === 1) {
    const mode = b[1] & 3;
    b = b.subarray(1 + (mode === 0 ? 1 : mode === 1 ? 2 : 4));
  }
  metaBytes = b;
}
const metadata = new Metadata(registry, metaBytes);
registry.setMetadata(metadata);
registry.setChainProperties(registry.createType('ChainProperties', { ss58Format: req.ss58 }));

const out = req.extrinsics.map(({ hex, blockHash, metadataHash }) => {
  const ext = registry.createType('Extrinsic', hex);
  const r = {
    signed: ext.isSigned,
    section: ext.method.section,
    method: ext.method.method,
    callHex: ext.method.toHex(),
    args: ext.method.toPrimitive().args,
    reencoded: ext.toHex(),
  };
  if (ext.isSigned) {
    const sig = ext.signature;
    r.signer = u8aToHex(ext.signer.toU8a().subarray(1));
    r.era = ext.era.toJSON();
    r.nonce = ext.nonce.toString();
    r.tip = ext.tip.toString();
    const fields = {
      method: ext.method.toHex(),
      era: ext.era,
      nonce: ext.nonce,
      tip: ext.tip,
      specVersion: req.specVersion,
      transactionVersion: req.txVersion,
      genesisHash: req.genesisHash,
      blockHash,
      version: 4,
    };
    const ex = ext.inner.signature;
    if (ex.assetId !== undefined) fields.assetId = ex.assetId;
    if (ex.mode !== undefined) {
      r.mode = ex.mode.toNumber();
      fields.mode = ex.mode;
      fields.metadataHash = metadataHash ?? null;
    }
    const payload = registry.createType('ExtrinsicPayload', fields, { version: 4 });
    const u8 = payload.toU8a({ method: true });
    r.payload = u8aToHex(u8);
    const toSign = u8.length > 256 ? blake2AsU8a(u8) : u8;
    const v = signatureVerify(toSign, sig.toU8a(), ext.signer.toU8a().subarray(1));
    r.signatureValid = v.isValid;
    r.crypto = v.crypto;
  }
  return r;
});
process.stdout.write(JSON.stringify(out) + '\n');
