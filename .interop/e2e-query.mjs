// Oracle for ksm's end-to-end suite (cmd/ksm/e2e*_test.go): reads the state
// of a local chain through @polkadot/api, independently of ksm.
//   echo '{"url":"ws://127.0.0.1:PORT","queries":[...]}' | node e2e-query.mjs
// Each query is one of
//   {"q": "query.system.account", "args": ["<address>"]}   any api.query.<pallet>.<item>
//   {"q": "consts.balances.existentialDeposit"}            any api.consts.<pallet>.<name>
//   {"q": "call.<api>.<method>", "args": [...]}            any runtime API
//   {"q": "digest", "decimals": 10, "symbol": "PAS"}       RFC-0078 digest (@polkadot-api/merkleize-metadata)
//   {"q": "mode1", "suri": "//Alice", "to": "<address>", "value": "1", "digest": "0x.."}
//       signs Balances.transfer_keep_alive with CheckMetadataHash mode 1 and the
//       given digest ("auto": the digest computed as for "digest", with "decimals"
//       and "symbol") and returns what system_dryRun says of it (nothing is submitted)
//   {"q": "sign", "suri": "//Alice", "to": "<address>", "value": "1"}
//       a signed (immortal, next nonce) Balances.transfer_keep_alive as 0x-hex, not submitted
// Prints a JSON array with one result per query (toPrimitive: integers beyond
// 2^53 as decimal strings).
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const api = await ApiPromise.create({ provider: new WsProvider(input.url), noInitWarn: true, throwOnConnect: true });
const get = (root, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), root);
const digest = async (q) => {
  const md = await api.call.metadata.metadataAtVersion(15);
  const m = merkleizeMetadata(md.unwrap().toU8a(), {
    decimals: q.decimals, tokenSymbol: q.symbol, base58Prefix: api.registry.chainSS58,
    specName: api.runtimeVersion.specName.toString(), specVersion: api.runtimeVersion.specVersion.toNumber(),
  });
  return u8aToHex(m.digest());
};
const out = [];
for (const q of input.queries) {
  const parts = q.q.split('.');
  if (q.q === 'digest') {
    out.push(await digest(q));
  } else if (q.q === 'mode1') {
    const pair = new Keyring({ type: 'sr25519' }).addFromUri(q.suri);
    const tx = api.tx.balances.transferKeepAlive(q.to, BigInt(q.value));
    const metadataHash = q.digest === 'auto' ? await digest(q) : q.digest;
    const signed = await tx.signAsync(pair, { mode: 1, metadataHash, era: 0 });
    out.push((await api.rpc.system.dryRun(signed.toHex())).toJSON());
  } else if (q.q === 'sign') {
    const pair = new Keyring({ type: 'sr25519' }).addFromUri(q.suri);
    const tx = api.tx.balances.transferKeepAlive(q.to, BigInt(q.value));
    out.push((await tx.signAsync(pair, { nonce: -1, era: 0 })).toHex());
  } else if (parts[0] === 'query' || parts[0] === 'call') {
    const fn = get(api, parts);
    if (typeof fn !== 'function') throw new Error(`no ${q.q}`);
    out.push((await fn(...(q.args || []))).toPrimitive());
  } else if (parts[0] === 'consts') {
    const v = get(api, parts);
    if (v === undefined) throw new Error(`no ${q.q}`);
    out.push(v.toPrimitive());
  } else {
    throw new Error(`unknown query ${q.q}`);
  }
}
console.log(JSON.stringify(out));
await api.disconnect();
