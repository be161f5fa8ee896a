package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ExtrinsicCandidate is a chain of the network a signed extrinsic may be
// for (tx submit): its session and its profile in the network (nil for a
// chain of no embedded profile, such as a development chain).
type ExtrinsicCandidate struct {
	Sess    *Session
	Profile *chainspec.Profile
}

// ExtrinsicOnChain is a signed extrinsic decoded on the chain it is for.
type ExtrinsicOnChain struct {
	// Index is the candidate chosen.
	Index   int
	Sess    *Session
	Head    *chainclient.Header
	Runtime *Runtime
	Decoded *extrinsic.Decoded
	Call    *value.Call
}

// ChooseExtrinsicChain finds the chain of network net that a signed
// extrinsic is for among cands (the network's chains; one when --chain
// named it or the network is a single chain). The signed payload's genesis
// hash is not in the extrinsic, so its call decides: the extrinsic must
// decode with the chain's runtime (its transaction extensions and call
// index), and no call of it (each of a Utility batch) may be of a pallet
// that the network's routing table places on another of its chains only.
// When more than one chain takes it, the chain the routing table gives its
// call's pallet (RouteChain) is chosen; else the first. An extrinsic that
// no chain takes is an input error naming what each said.
func ChooseExtrinsicChain(ctx context.Context, net *chainspec.Profile, cands []ExtrinsicCandidate, ext []byte) (*ExtrinsicOnChain, error) {
	var ok []*ExtrinsicOnChain
	var why []string
	for i, c := range cands {
		d, err := decodeOn(ctx, c, cands, ext)
		if err != nil {
			if !IsInputError(err) {
				return nil, err
			}
			why = append(why, err.Error())
			continue
		}
		d.Index = i
		ok = append(ok, d)
	}
	switch len(ok) {
	case 0:
		return nil, Usagef("%s", strings.Join(why, "; "))
	case 1:
		return ok[0], nil
	}
	if want, err := RouteChain(net, ok[0].Call.Pallet, ChainAuto); err == nil && want != nil {
		for _, d := range ok {
			if p := cands[d.Index].Profile; p == want {
				return d, nil
			}
		}
	}
	return ok[0], nil
}

// decodeOn decodes ext with c's runtime at its best head and checks that
// its calls may be made on c (an input error when not).
func decodeOn(ctx context.Context, c ExtrinsicCandidate, all []ExtrinsicCandidate, ext []byte) (*ExtrinsicOnChain, error) {
	s := c.Sess
	head, err := s.Chain.BestHead(ctx)
	if err != nil {
		return nil, err
	}
	rt, err := s.Runtime(ctx, head.Hash)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("%s (%s %d)", s.ChainName(), rt.Version.SpecName, rt.Version.SpecVersion)
	x, err := rt.Format.Decode(ext)
	if err != nil {
		return nil, Usagef("not an extrinsic of %s: %v", where, err)
	}
	call, err := rt.Codec.DecodeCall(x.Call)
	if err != nil {
		return nil, Usagef("the extrinsic's call does not decode with the metadata of %s: %v", where, err)
	}
	inner, err := rt.Calls.Split(x.Call)
	if err != nil {
		inner = []*value.Call{call}
	}
	for _, ic := range inner {
		if err := s.Route(ic.Pallet); err != nil {
			if errors.Is(err, ErrWrongChain) {
				return nil, Usagef("%v", err)
			}
			return nil, err
		}
		if c.Profile == nil || c.Profile.Hosts(ic.Pallet) {
			continue
		}
		for _, o := range all {
			if o.Profile != nil && o.Profile != c.Profile && o.Profile.Hosts(ic.Pallet) {
				return nil, Usagef("on %s the call %s.%s would be of a pallet that lives on %s", where, ic.Pallet, ic.Name, o.Profile.DisplayName)
			}
		}
	}
	return &ExtrinsicOnChain{Sess: s, Head: head, Runtime: rt, Decoded: x, Call: call}, nil
}
