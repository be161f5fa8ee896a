// Oracle for ksm's multisig address derivation (@polkadot/util-crypto createKeyMulti).
// stdin: JSON array of {who: [hex account ids], threshold}; stdout: JSON array of hex account ids.
import { createKeyMulti } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const reqs = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(reqs.map((r) => u8aToHex(createKeyMulti(r.who, r.threshold)))));
