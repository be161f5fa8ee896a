// Times polkadot-js building and signing Balances.transfer_keep_alive
// extrinsics offline, for comparison with ksm's BenchmarkBuildSign*.
//   node tx-bench.mjs METADATA N SCHEME(ed25519|sr25519)
//   stdout: JSON {n, scheme, nsPerOp, bytes}
import { readFileSync } from 'node:fs';
import { TypeRegistry, Metadata } from '@polkadot/types';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

await cryptoWaitReady();
const [file, nArg, scheme] = process.argv.slice(2);
const n = Number(nArg);
const registry = new TypeRegistry();
const metadata = new Metadata(registry, readFileSync(file));
registry.setMetadata(metadata);
const keyring = new Keyring({ type: scheme });
const alice = keyring.addFromUri('//Alice');
const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
const meta = metadata.asLatest.pallets.find((p) => p.name.toString() === 'Balances');
const callIdx = [meta.index.toNumber(), 3];
const genesisHash = '0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe';
const blockHash = '0x' + 'ab'.repeat(32);
const runtimeVersion = { specVersion: 1009002, transactionVersion: 26 };

let bytes = 0;
const once = (i) => {
  const method = registry.createType('Call', { callIndex: callIdx, args: { dest: { Id: bob.address }, value: 1_000_000_000_000n + BigInt(i) } });
  const tx = registry.createType('Extrinsic', { method });
  const era = registry.createType('ExtrinsicEra', { current: 25_000_000, period: 64 });
  tx.sign(alice, { blockHash, era, genesisHash, nonce: i, runtimeVersion, signedExtensions: registry.signedExtensions, tip: 0 });
  bytes = tx.toU8a().length;
};
for (let i = 0; i < Math.min(200, n); i++) once(i); // warm up
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) once(i);
const ns = Number(process.hrtime.bigint() - t0);
process.stdout.write(JSON.stringify({ n, scheme, nsPerOp: ns / n, bytes }) + '\n');
