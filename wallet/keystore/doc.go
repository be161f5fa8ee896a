// Package keystore keeps ksm's keys on disk as polkadot-js keystore files
// (JSON version 3), so files move both ways between ksm and polkadot-js.
//
// # Format
//
// A file is {address, encoded, encoding, meta}. encoded is base64 of
// salt(32) || scrypt N, p, r (u32 little-endian each) || nonce(24) ||
// xsalsa20-poly1305 box; the box key is scrypt(password, salt, N, r, p)
// with N=2^15, p=1, r=8 (one of the parameter sets polkadot-js accepts).
// The plaintext is polkadot-js's PKCS8-like envelope: a fixed header, the
// secret (sr25519: 64-byte scalar×cofactor || nonce; ed25519: seed ||
// public key; ecdsa and ethereum: the 32-byte secret), a divider and the
// public key. meta holds name and whenCreated (milliseconds) and may hold
// genesisHash; other meta fields are kept as they are.
//
// ksm stores nothing more than polkadot-js does: derivation works from the
// stored secret (sr25519 hard derivation starts from the expanded secret,
// ed25519 and ecdsa from the seed), and a mnemonic is shown once when a key
// is made and never written to disk.
//
// # Store
//
// A Store is the directory <home>/keys (0700) with one file per key (0600),
// named after the key's name in lower case, so names are unique regardless
// of case. Listing reads the files without decrypting anything. Writes are
// atomic: a temporary file in the same directory is written and synced,
// re-read and decrypted to check it, then linked or renamed into place and
// the directory synced; a crash at any point leaves the old state intact.
// Temporary files a crash left behind (.tmp-<digits>.json) are removed by
// Open once they are older than StaleTempAge, and by Remove at once when
// they hold the key being removed.
// Watch-only entries hold an address and no secret.
package keystore
