package app

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// kusamaRuntime is the real Kusama runtime of spec 1009002 (it has the
// Referenda pallet), for the fuzz targets of chain values and the tests
// that read its constants.
func kusamaRuntime(t testing.TB) *Runtime {
	return runtimeOf(t, "kusama-v15-spec1009002.scale")
}

// encodeSeed encodes value JSON text as the type of a storage item, for a
// seed that is a real encoding of a realistic value.
func encodeSeed(f *testing.F, rt *Runtime, e *storage.Entry, text string) []byte {
	f.Helper()
	v, err := value.ParseJSON([]byte(text))
	if err != nil {
		f.Fatal(err)
	}
	b, err := rt.Codec.Encode(e.Meta.Value, v)
	if err != nil {
		f.Fatalf("seed %s: %v", text, err)
	}
	return b
}

// FuzzEventRecords: System.Events bytes from a block (chain data an endpoint
// or peer sends) go through what Outcome does with them: the records decode
// or fail, and every event and dispatch error is read without panicking.
func FuzzEventRecords(f *testing.F) {
	rt := kusamaRuntime(f)
	e, err := storage.Lookup(rt.Codec, "System", "Events")
	if err != nil {
		f.Fatal(err)
	}
	const info = `"dispatch_info":{"weight":{"ref_time":1000,"proof_size":20},"class":"Normal","pays_fee":"Yes"}`
	for _, s := range []string{
		`[]`,
		`[{"phase":{"ApplyExtrinsic":1},"event":{"System":{"ExtrinsicSuccess":{` + info + `}}},"topics":[]}]`,
		`[{"phase":{"ApplyExtrinsic":2},"event":{"System":{"ExtrinsicFailed":{"dispatch_error":{"Module":{"index":4,"error":"0x02000000"}},` + info + `}}},"topics":[]}]`,
		`[{"phase":{"ApplyExtrinsic":0},"event":{"System":{"ExtrinsicFailed":{"dispatch_error":{"Token":"FundsUnavailable"},` + info + `}}},"topics":[]}]`,
		`[{"phase":{"ApplyExtrinsic":0},"event":{"System":{"ExtrinsicFailed":{"dispatch_error":"BadOrigin",` + info + `}}},"topics":[]}]`,
		`[{"phase":"Finalization","event":{"Balances":{"Deposit":{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","amount":5}}},"topics":["0x` + "11223344556677881122334455667788112233445566778811223344556677ff" + `"]}]`,
		`[{"phase":{"ApplyExtrinsic":1},"event":{"TransactionPayment":{"TransactionFeePaid":{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","actual_fee":"1000000000","tip":0}}},"topics":[]}]`,
	} {
		f.Add(encodeSeed(f, rt, e, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := e.DecodeValue(b)
		if err != nil {
			return
		}
		records, _ := v.([]any)
		for _, r := range records {
			applyExtrinsicPhase(Get(r, "phase"))
			ev, ok := splitEvent(Get(r, "event"))
			if !ok {
				continue
			}
			if de := DecodeDispatchError(rt, Get(ev.Fields, "dispatch_error")); de == nil || de.Error() == "" {
				t.Fatalf("dispatch error of %v not explained", ev.Fields)
			}
			BigAt(ev.Fields, "actual_fee")
		}
	})
}

// FuzzReferendum: a Referenda.ReferendumInfoFor value decodes or fails, and
// a decoded one is judged against the real tracks without panicking.
func FuzzReferendum(f *testing.F) {
	rt := kusamaRuntime(f)
	tracks, err := Tracks(rt)
	if err != nil {
		f.Fatal(err)
	}
	e, err := storage.Lookup(rt.Codec, "Referenda", "ReferendumInfoFor")
	if err != nil {
		f.Fatal(err)
	}
	const ongoing = `{"Ongoing":{"track":%s,"origin":{"Origins":"SmallTipper"},"proposal":{"Legacy":{"hash":"0x%s"}},` +
		`"enactment":{"After":100},"submitted":1000,"submission_deposit":{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","amount":1},` +
		`"decision_deposit":%s,"deciding":%s,"tally":{"ayes":%s,"nays":5,"support":7},"in_queue":false,"alarm":null}}`
	h := strings.Repeat("ab", 32)
	for _, s := range []string{
		fmt.Sprintf(ongoing, "30", h, "null", "null", "10"),
		fmt.Sprintf(ongoing, "0", h, `{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","amount":"3333000000000"}`, `{"since":1500,"confirming":null}`, "340282366920938463463374607431768211455"),
		fmt.Sprintf(ongoing, "11", h, `{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","amount":1}`, `{"since":1500,"confirming":4000}`, "0"),
		`{"Approved":[5000,null,null]}`,
		`{"Killed":7000}`,
	} {
		f.Add(encodeSeed(f, rt, e, s))
	}
	g := &GovState{Runtime: rt, Tracks: tracks, Issuance: big.NewInt(15_000_000_000_000_000)}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := e.DecodeValue(b)
		if err != nil {
			return
		}
		for _, at := range []uint64{0, 2000, 1 << 62} {
			g.At.Number = at
			r, err := g.parseReferendum(7, v)
			if err != nil {
				continue
			}
			if r.Status == "Ongoing" && (r.NeedApproval < 0 || r.NeedApproval > Perbill || r.NeedSupport < 0 || r.NeedSupport > Perbill) {
				t.Fatalf("threshold out of [0, 1]: approval %d support %d", r.NeedApproval, r.NeedSupport)
			}
		}
	})
}

// FuzzCurve: a pallet_referenda Curve value (part of the Referenda.Tracks
// constant of a runtime an endpoint serves) parses or fails, and a parsed
// curve gives a threshold in [0, 1] anywhere on the decision period.
func FuzzCurve(f *testing.F) {
	rt := kusamaRuntime(f)
	c, err := rt.Meta.Constant("Referenda", "Tracks")
	if err != nil {
		f.Fatal(err)
	}
	tracksV, err := rt.Codec.Decode(c.Type, c.Value)
	if err != nil {
		f.Fatal(err)
	}
	// The Curve type: the type of a track's min_approval field.
	curveType, ok := curveTypeID(rt.Meta)
	if !ok {
		f.Fatal("no pallet_referenda Curve type in the metadata")
	}
	for _, it := range tracksV.([]any) {
		info := it.([]any)[1]
		for _, field := range []string{"min_approval", "min_support"} {
			b, err := rt.Codec.Encode(curveType, Get(info, field))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, int64(Perbill/2))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, x int64) {
		v, err := rt.Codec.Decode(curveType, b)
		if err != nil {
			return
		}
		curve, err := ParseCurve(v)
		if err != nil {
			return
		}
		for _, at := range []int64{x, 0, Perbill} {
			if th := curve.Threshold(at); curve.Kind == "Reciprocal" && (th < 0 || th > Perbill) {
				t.Fatalf("%+v at %d: threshold %d", curve, at, th)
			}
		}
	})
}

// curveTypeID finds pallet_referenda's Curve type by its path.
func curveTypeID(md *metadata.Metadata) (metadata.TypeID, bool) {
	for id := metadata.TypeID(0); ; id++ {
		ty, err := md.Types.Type(id)
		if err != nil {
			return 0, false
		}
		if ty.PathString() == "pallet_referenda::types::Curve" {
			return id, true
		}
	}
}

// FuzzProxyMultisigValues: Proxy.Proxies and Multisig.Multisigs values (chain
// data) decode and are read, or fail, without panicking.
func FuzzProxyMultisigValues(f *testing.F) {
	rt := kusamaRuntime(f)
	pe, err := storage.Lookup(rt.Codec, "Proxy", "Proxies")
	if err != nil {
		f.Fatal(err)
	}
	me, err := storage.Lookup(rt.Codec, "Multisig", "Multisigs")
	if err != nil {
		f.Fatal(err)
	}
	const acct = `"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"`
	f.Add(false, encodeSeed(f, rt, pe, `[[{"delegate":`+acct+`,"proxy_type":"Any","delay":0}],1000]`))
	f.Add(true, encodeSeed(f, rt, me, `{"when":{"height":9,"index":1},"deposit":5,"depositor":`+acct+`,"approvals":[`+acct+`]}`))
	f.Fuzz(func(t *testing.T, multisig bool, b []byte) {
		s := &Session{}
		if multisig {
			if v, err := me.DecodeValue(b); err == nil {
				_, _ = s.readOp(rt, [32]byte{}, v)
			}
			return
		}
		if v, err := pe.DecodeValue(b); err == nil {
			_, _, _ = parseProxies(rt, v)
		}
	})
}

// FuzzFindAsMulti: an extrinsic of a block body (an endpoint's or peer's
// bytes) is searched for the as_multi of a call hash without panicking.
func FuzzFindAsMulti(f *testing.F) {
	rt := kusamaRuntime(f)
	var bob [32]byte
	bob[0] = 1
	transfer, _ := rt.Calls.TransferKeepAlive(bob, big.NewInt(5))
	am, _ := rt.Calls.AsMulti(2, [][32]byte{bob}, nil, transfer, calls.Weight{})
	ext, err := rt.Format.Assemble(am, extrinsic.IDAddress(bob), placeholderSignature("sr25519"), nil)
	if err == nil {
		f.Add(ext)
	}
	f.Add([]byte{0x04, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, _ = findAsMulti(rt, b, calls.CallHash(transfer))
	})
}
