// Builds and signs (without submitting) a balances.transferKeepAlive of
// 12345 planck from //Alice to //Bob on the chain at the given ws:// URL,
// with polkadot-js as an independent implementation. Prints the signed
// extrinsic as 0x-hex (with its length prefix). Used by lightclient/rpc's
// chopsticks tests to exercise author_submitAndWatchExtrinsic.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2];
if (!url) {
  console.error('usage: chopsticks-sign.mjs ws://host:port');
  process.exit(2);
}
await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
const keyring = new Keyring({ type: 'sr25519' });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const tx = api.tx.balances.transferKeepAlive(bob.address, 12345n);
// Immortal: the checkpoint is then chain_getBlockHash(0), which chopsticks
// reports as 0x4545..45 and the runtime stores as BlockHash(0). (Left to
// choose a mortal anchor, polkadot-js may pick block #0 and hash its header,
// giving the real genesis hash, which the runtime refuses as BadProof.)
const signed = await tx.signAsync(alice, { nonce: -1, era: 0 });
process.stdout.write(signed.toHex() + '\n');
await api.disconnect();
process.exit(0);
