// Oracle helper of ksm's claims end-to-end test (cmd/ksm/e2e_claims_test.go):
// writes storage on a chopsticks chain with dev_setStorage, the storage key
// built by @polkadot/api from metadata, and reads it back.
//   echo '{"url":"ws://127.0.0.1:PORT","pallet":"claims","item":"preclaims","key":["<address>"],"value":"0x<SCALE bytes>"}' | node e2e-claims-setstorage.mjs
// Prints {"key": "0x..", "readBack": <value as @polkadot/api decodes it>}.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const provider = new WsProvider(input.url);
const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
const entry = api.query[input.pallet][input.item];
const key = entry.key(...input.key);
// input.value is the SCALE encoding of the value, 0x-hex.
await provider.send('dev_setStorage', [[[key, input.value]]]);
const back = await entry(...input.key);
console.log(JSON.stringify({ key, readBack: back.toPrimitive() }));
await api.disconnect();
