import { ApiPromise, WsProvider } from '@polkadot/api';
const api = await ApiPromise.create({ provider: new WsProvider(process.argv[2]), noInitWarn: true });
const md = api.runtimeMetadata.asLatest;
for (const p of md.pallets) {
  const n = p.name.toString();
  if (!['Staking','NominationPools','Session','Babe','Utility','FastUnstake'].includes(n)) continue;
  console.log('==', n, p.index.toString());
  if (p.calls.isSome) {
    const t = api.registry.lookup.getSiType(p.calls.unwrap().type);
    for (const v of t.def.asVariant.variants) console.log('  call', v.name.toString(), v.fields.map(f => f.name.toString()+':'+api.registry.lookup.getTypeDef(f.type).type).join(', '));
  }
  if (p.storage.isSome) for (const s of p.storage.unwrap().items) console.log('  st', s.name.toString());
  for (const c of p.constants) console.log('  const', c.name.toString(), api.registry.createType(api.registry.lookup.getTypeDef(c.type).type, c.value).toString());
}
console.log('validators', (await api.query.staking.validators.entries()).map(([k,v])=>k.args[0].toString()+' '+v.toString()));
console.log('currentEra', (await api.query.staking.currentEra()).toString(), 'active', (await api.query.staking.activeEra()).toString());
console.log('apis', api.runtimeVersion.apis.map(a=>a[0].toHex()).length, Object.keys(api.call));
console.log('pools', (await api.query.nominationPools.minCreateBond()).toString(), (await api.query.nominationPools.minJoinBond()).toString(), (await api.query.nominationPools.lastPoolId()).toString());
console.log('minNom', (await api.query.staking.minNominatorBond()).toString());
process.exit(0);
