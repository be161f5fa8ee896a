// Oracle for ksm's wallet interop tests (@polkadot/keyring, @polkadot/util-crypto).
// stdin: JSON array of requests; stdout: JSON array of results, one per request.
//   {op:"derive", suri, type}                    -> {publicKey, accountId, address0, address2, address42}
//   {op:"sign", suri, type, message(hex)}        -> {publicKey, signature}
//   {op:"verify", type, publicKey, message, signature} -> {valid}
//   {op:"signatureVerify", publicKey, message, signature} -> {valid, crypto} (util-crypto signatureVerify)
//   {op:"decrypt", json(string), password}       -> {type, publicKey, address} | {error}
//   {op:"encrypt", suri, type, password, name}   -> {json(string), publicKey}
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, ed25519Verify, encodeAddress, secp256k1Verify, signatureVerify, sr25519Verify } from '@polkadot/util-crypto';
import { readFileSync } from 'node:fs';

await cryptoWaitReady();
const reqs = JSON.parse(readFileSync(0, 'utf8'));

function pairOf (suri, type) {
  const kr = new Keyring({ type, ss58Format: 42 });
  return kr.createFromUri(suri, {}, type);
}

function accountId (type, pk) {
  return type === 'ecdsa' ? blake2AsU8a(pk) : pk;
}

function run (r) {
  switch (r.op) {
    case 'derive': {
      const p = pairOf(r.suri, r.type);
      const id = accountId(r.type, p.publicKey);
      return { publicKey: u8aToHex(p.publicKey), accountId: u8aToHex(id), address0: encodeAddress(id, 0), address2: encodeAddress(id, 2), address42: encodeAddress(id, 42) };
    }
    case 'sign': {
      const p = pairOf(r.suri, r.type);
      return { publicKey: u8aToHex(p.publicKey), signature: u8aToHex(p.sign(hexToU8a(r.message))) };
    }
    case 'verify': {
      const m = hexToU8a(r.message); const s = hexToU8a(r.signature); const pk = hexToU8a(r.publicKey);
      let valid;
      try {
        valid = r.type === 'sr25519' ? sr25519Verify(m, s, pk)
          : r.type === 'ed25519' ? ed25519Verify(m, s, pk)
            : secp256k1Verify(m, s, pk, r.type === 'ethereum' ? 'keccak' : 'blake2');
      } catch (e) { valid = false; }
      return { valid };
    }
    case 'signatureVerify': {
      const res = signatureVerify(hexToU8a(r.message), hexToU8a(r.signature), hexToU8a(r.publicKey));
      return { valid: res.isValid, crypto: res.crypto };
    }
    case 'decrypt': {
      try {
        const kr = new Keyring({ ss58Format: 42 });
        const p = kr.createFromJson(JSON.parse(r.json));
        p.decodePkcs8(r.password);
        return { type: p.type, publicKey: u8aToHex(p.publicKey), address: p.address, locked: p.isLocked };
      } catch (e) {
        return { error: String(e.message || e) };
      }
    }
    case 'encrypt': {
      const p = pairOf(r.suri, r.type);
      p.setMeta({ name: r.name, whenCreated: 1700000000000 });
      return { json: JSON.stringify(p.toJson(r.password)), publicKey: u8aToHex(p.publicKey) };
    }
    default:
      throw new Error(`unknown op ${r.op}`);
  }
}

console.log(JSON.stringify(reqs.map(run)));
