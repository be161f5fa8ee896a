// stdin: JSON {headers: [hex], justifications: [hex]}
// stdout: JSON {headers: [...], justifications: [...]} decoded by polkadot-js
// (@polkadot/types): header fields and hash, digest items with BABE pre-digests
// (RawBabePreDigest), BABE and GRANDPA consensus logs, and GrandpaJustification.
import { TypeRegistry } from '@polkadot/types';
import { readFileSync } from 'node:fs';

const registry = new TypeRegistry();
// Consensus logs are not polkadot-js types; declared here from sp_consensus_*.
registry.register({
  OracleGrandpaLog: {
    _enum: {
      Phantom: 'Null',
      ScheduledChange: '(Vec<(AuthorityId, u64)>, u32)',
      ForcedChange: '(u32, (Vec<(AuthorityId, u64)>, u32))',
      OnDisabled: 'u64',
      Pause: 'u32',
      Resume: 'u32',
    },
  },
  OracleBabeLog: {
    _enum: {
      Phantom: 'Null',
      NextEpochData: '(Vec<(AuthorityId, u64)>, [u8; 32])',
      OnDisabled: 'u32',
      NextConfigData: 'NextConfigDescriptor',
    },
  },
});

const engineName = (id) => Buffer.from(id.toU8a()).toString('latin1');

function digestItem(log) {
  const out = { type: log.type };
  if (log.isOther) return out;
  if (log.isRuntimeEnvironmentUpdated) return out;
  const [engine, data] = log.isPreRuntime ? log.asPreRuntime : log.isConsensus ? log.asConsensus : log.asSeal;
  out.engine = engineName(engine);
  if (log.isPreRuntime && out.engine === 'BABE') {
    const p = registry.createType('RawBabePreDigest', data.toU8a(true));
    const v = p.value;
    out.babe = { kind: p.type, slot: v.slotNumber.toString(), authorityIndex: v.authorityIndex.toNumber() };
  } else if (log.isConsensus && out.engine === 'FRNK') {
    const l = registry.createType('OracleGrandpaLog', data.toU8a(true));
    const g = { kind: l.type };
    if (l.isScheduledChange) {
      g.authorities = l.asScheduledChange[0].length;
      g.delay = l.asScheduledChange[1].toNumber();
    } else if (l.isForcedChange) {
      g.median = l.asForcedChange[0].toNumber();
      g.authorities = l.asForcedChange[1][0].length;
      g.delay = l.asForcedChange[1][1].toNumber();
    }
    out.grandpa = g;
  } else if (log.isConsensus && out.engine === 'BABE') {
    const l = registry.createType('OracleBabeLog', data.toU8a(true));
    const b = { kind: l.type };
    if (l.isNextEpochData) b.authorities = l.asNextEpochData[0].length;
    out.babeLog = b;
  }
  return out;
}

const req = JSON.parse(readFileSync(0, 'utf8'));
const headers = (req.headers || []).map((hex) => {
  const h = registry.createType('Header', hex);
  return {
    hash: h.hash.toHex(),
    parentHash: h.parentHash.toHex(),
    number: h.number.toNumber(),
    stateRoot: h.stateRoot.toHex(),
    extrinsicsRoot: h.extrinsicsRoot.toHex(),
    digest: h.digest.logs.map(digestItem),
  };
});
const justifications = (req.justifications || []).map((hex) => {
  const j = registry.createType('GrandpaJustification', hex);
  return {
    round: j.round.toString(),
    targetHash: j.commit.targetHash.toHex(),
    targetNumber: j.commit.targetNumber.toNumber(),
    precommits: j.commit.precommits.map((p) => ({
      targetHash: p.precommit.targetHash.toHex(),
      targetNumber: p.precommit.targetNumber.toNumber(),
      signature: p.signature.toHex(),
      id: p.id.toHex(),
    })),
    ancestries: j.votesAncestries.map((h) => h.hash.toHex()),
    reencoded: j.toHex(),
  };
});
console.log(JSON.stringify({ headers, justifications }));
