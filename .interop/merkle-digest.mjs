// Oracle for ksm's RFC-0078 merkleized-metadata code:
//   node merkle-digest.mjs METADATA DECIMALS TOKEN [PAYLOAD-HEX | ext=EXTRINSIC-HEX[,ADDITIONAL-HEX] ...]
// METADATA is raw metadata bytes (.scale) or a @polkadot/types-support hex
// module (.js, Option<OpaqueMetadata>-wrapped). Prints JSON
// {digest, proofs: [hex per payload]} using
// @polkadot-api/merkleize-metadata.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';

const hex = (u8) => '0x' + Buffer.from(u8).toString('hex');
const [file, decimals, tokenSymbol, ...payloads] = process.argv.slice(2);

let bytes;
if (file.endsWith('.js')) {
  const mod = await import(pathToFileURL(file).href);
  bytes = Buffer.from(mod.default.slice(2), 'hex');
  if (bytes[0] === 1 && bytes.subarray(1, 12).indexOf(Buffer.from('meta')) > 0) {
    // Option<OpaqueMetadata>: 0x01 ‖ Compact<u32> length ‖ metadata
    const mode = bytes[1] & 3;
    const skip = mode === 0 ? 1 : mode === 1 ? 2 : mode === 2 ? 4 : 1 + (bytes[1] >> 2) + 4;
    bytes = bytes.subarray(1 + skip);
  }
} else {
  bytes = readFileSync(file);
}
const m = merkleizeMetadata(bytes, { decimals: Number(decimals), tokenSymbol });
const out = { digest: hex(m.digest()), proofs: payloads.map((p) => {
  if (!p.startsWith('ext=')) return hex(m.getProofForExtrinsicPayload(p));
  const [tx, additional] = p.slice(4).split(',');
  return hex(m.getProofForExtrinsic(tx, additional));
}) };
process.stdout.write(JSON.stringify(out) + '\n');
