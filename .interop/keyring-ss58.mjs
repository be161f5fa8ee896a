// stdin: JSON [{publicKey, prefix}] -> stdout: JSON [address] (polkadot-js encodeAddress).
import { encodeAddress } from '@polkadot/util-crypto';
import { readFileSync } from 'node:fs';

const req = JSON.parse(readFileSync(0, 'utf8'));
console.log(JSON.stringify(req.map(({ publicKey, prefix }) => encodeAddress(publicKey, prefix))));
