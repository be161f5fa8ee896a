// Writes staking state into a local chopsticks chain for ksm's staking
// end-to-end test (cmd/ksm/e2e_staking_test.go): eras do not advance by
// themselves there (docs/local-chain.md), so the test sets them.
//   echo '{"url":"ws://127.0.0.1:PORT","sets":[{"item":"staking.currentEra","args":[],"value":28}, ...]}' | node e2e-staking-set.mjs
// Each set names a storage item as api.query.<pallet>.<item>, its key
// arguments and its value as @polkadot/api accepts it; keys and values are
// encoded by @polkadot/api (independently of ksm) and written with
// dev_setStorage. Prints {"ok": true, "head": <number>}.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const provider = new WsProvider(input.url);
const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
const pairs = [];
for (const s of input.sets) {
  const [pallet, item] = s.item.split('.');
  const entry = api.query[pallet]?.[item];
  if (!entry) throw new Error(`no api.query.${s.item}`);
  const meta = entry.creator.meta;
  const tid = meta.type.isPlain ? meta.type.asPlain : meta.type.asMap.value;
  const v = api.registry.createTypeUnsafe(api.registry.createLookupType(tid), [s.value]);
  pairs.push([entry.key(...(s.args || [])), u8aToHex(v.toU8a())]);
}
await provider.send('dev_setStorage', [pairs]);
const head = await api.rpc.chain.getHeader();
console.log(JSON.stringify({ ok: true, head: head.number.toNumber() }));
await api.disconnect();
