import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(process.argv[2]), noInitWarn: true });
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
console.log('genesis', api.genesisHash.toHex());
const head = await api.rpc.chain.getHeader();
console.log('head', head.number.toNumber(), head.hash.toHex());
for (const era of [0, undefined]) {
  const tx = api.tx.balances.transferKeepAlive(bob.address, 12345n);
  const opts = { nonce: -1 }; if (era !== undefined) opts.era = era;
  const s = await tx.signAsync(alice, opts);
  console.log('era', era, 'era field', s.era.toHuman ? JSON.stringify(s.era.toHuman()) : '');
  try { const r = await api.rpc.system.dryRun(s.toHex()); console.log('dryRun', JSON.stringify(r.toHuman())); } catch (e) { console.log('dryRun err', e.message); }
}
await api.disconnect(); process.exit(0);
