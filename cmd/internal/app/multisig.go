package app

// Multisig accounts: their address book entries, their open operations
// read from the chain, the call data of an operation fetched from the
// block its timepoint names and proven against that block's extrinsics
// root, and the plans of approve and cancel.

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// Multisig is a multisig account: its signatories (sorted, as the pallet
// requires) and threshold, and the account derived from them.
type Multisig struct {
	Name        string
	Account     [32]byte
	Threshold   uint16
	Signatories [][32]byte
}

// MaxSignatories bounds the signatories ksm accepts (the pallet's own
// MaxSignatories is checked by the chain).
const MaxSignatories = 100

// NewMultisig checks and derives a multisig: a threshold from 1 to the
// number of signatories, which must be distinct, at least two.
func NewMultisig(name string, threshold int, signatories [][32]byte) (*Multisig, error) {
	if len(signatories) < 2 {
		return nil, inputErrorf("SIGNATORY", "a multisig needs at least two signatories, got %d", len(signatories))
	}
	if len(signatories) > MaxSignatories {
		return nil, inputErrorf("SIGNATORY", "at most %d signatories", MaxSignatories)
	}
	if threshold < 1 || threshold > len(signatories) {
		return nil, inputErrorf("--threshold", "must be from 1 to the number of signatories (%d), got %d", len(signatories), threshold)
	}
	ids := append([][32]byte(nil), signatories...)
	if !calls.SortAccounts(ids) {
		return nil, inputErrorf("SIGNATORY", "a signatory is named twice")
	}
	return &Multisig{Name: name, Account: calls.MultisigAccount(ids, uint16(threshold)), Threshold: uint16(threshold), Signatories: ids}, nil
}

// Has reports whether id is a signatory.
func (m *Multisig) Has(id [32]byte) bool {
	for _, s := range m.Signatories {
		if s == id {
			return true
		}
	}
	return false
}

// Others are the signatories but by, sorted.
func (m *Multisig) Others(by [32]byte) [][32]byte {
	var out [][32]byte
	for _, s := range m.Signatories {
		if s != by {
			out = append(out, s)
		}
	}
	return out
}

// Meta is the address book meta of the multisig, as polkadot-js keeps it
// (isMultisig, threshold, who).
func (m *Multisig) Meta(prefix uint16) map[string]any {
	who := make([]any, len(m.Signatories))
	for i, s := range m.Signatories {
		who[i] = ss58.MustEncode(s, prefix)
	}
	return map[string]any{"isMultisig": true, "threshold": int(m.Threshold), "who": who}
}

// MultisigFromEntry reads a multisig address book entry; ok is false when
// the entry is not one, or its signatories and threshold do not derive its
// address.
func MultisigFromEntry(e *keystore.Entry) (*Multisig, bool) {
	if e == nil || e.File == nil {
		return nil, false
	}
	if is, _ := e.File.Meta["isMultisig"].(bool); !is {
		return nil, false
	}
	th, _ := e.File.Meta["threshold"].(float64)
	who, _ := e.File.Meta["who"].([]any)
	var ids [][32]byte
	for _, w := range who {
		s, _ := w.(string)
		id, _, err := ss58.DecodeAccountID(s)
		if err != nil {
			return nil, false
		}
		ids = append(ids, id)
	}
	m, err := NewMultisig(e.Name, int(th), ids)
	if err != nil || m.Account != AccountOf(e) {
		return nil, false
	}
	return m, true
}

// knownMultisig finds the multisig with account id in the keystore.
func knownMultisig(kr Keyring, id [32]byte) (*Multisig, bool) {
	l, ok := kr.(Lister)
	if !ok {
		return nil, false
	}
	ents, _ := l.List()
	for _, e := range ents {
		if AccountOf(e) == id {
			if m, ok := MultisigFromEntry(e); ok {
				return m, true
			}
		}
	}
	return nil, false
}

// ResolveMultisig finds the multisig a name or address names in the
// address book (multisig new adds it).
func ResolveMultisig(kr Keyring, field, arg string) (*Multisig, error) {
	t, err := ResolveTarget(kr, field, arg)
	if err != nil {
		return nil, err
	}
	if m, ok := knownMultisig(kr, t.Account); ok {
		return m, nil
	}
	return nil, inputErrorf(field, "%s is not a multisig of the address book: add it with 'ksm multisig new NAME --threshold N SIGNATORY...'", arg)
}

// MultisigOp is an open multisig operation (Multisig.Multisigs).
type MultisigOp struct {
	CallHash [32]byte
	// Height and Index are its timepoint: the block and extrinsic of its
	// first approval.
	Height    uint64
	Index     uint32
	Deposit   *big.Int
	Depositor [32]byte
	Approvals [][32]byte
	// Call is the call data found in the timepoint's block, proven (nil
	// when not found; CallNote says why).
	Call      []byte
	Decoded   *value.Call
	CallNote  string
	BlockHash chainclient.Hash
	// Proven says Call was proven: the block body matched the extrinsics
	// root of a verified header, and the call hashes to CallHash.
	Proven bool
}

func (s *Session) readOp(rt *Runtime, h [32]byte, v any) (*MultisigOp, error) {
	op := &MultisigOp{CallHash: h, Deposit: BigAt(v, "deposit")}
	height, err1 := value.Uint64(Get(v, "when", "height"))
	index, err2 := value.Uint64(Get(v, "when", "index"))
	dep, ok := account(rt, Get(v, "depositor"))
	if err1 != nil || err2 != nil || !ok || index > 1<<32-1 {
		return nil, fmt.Errorf("Multisig.Multisigs: unexpected value %v", v)
	}
	op.Height, op.Index, op.Depositor = height, uint32(index), dep
	as, _ := Get(v, "approvals").([]any)
	for _, a := range as {
		id, ok := account(rt, a)
		if !ok {
			return nil, fmt.Errorf("Multisig.Multisigs: bad approval %v", a)
		}
		op.Approvals = append(op.Approvals, id)
	}
	return op, nil
}

// MultisigOp reads operation h of multisig ms (nil when there is none).
func (s *Session) MultisigOp(ctx context.Context, rt *Runtime, at chainclient.Hash, ms [32]byte, h [32]byte) (*MultisigOp, error) {
	v, found, err := s.Read(ctx, rt, at, "Multisig", "Multisigs", rt.Codec.FormatAccount(ms), "0x"+hex.EncodeToString(h[:]))
	if err != nil {
		return nil, fmt.Errorf("Multisig.Multisigs: %w", err)
	}
	if !found {
		return nil, nil
	}
	return s.readOp(rt, h, v)
}

// MultisigOps reads the open operations of multisig ms at block at.
func (s *Session) MultisigOps(ctx context.Context, rt *Runtime, at chainclient.Hash, ms [32]byte) ([]*MultisigOp, error) {
	var out []*MultisigOp
	err := s.Iterate(ctx, rt, at, "Multisig", "Multisigs", []any{rt.Codec.FormatAccount(ms)}, func(parts []storage.KeyPart, v any) error {
		if len(parts) != 2 || len(parts[1].Encoded) != 32 {
			return fmt.Errorf("Multisig.Multisigs: unexpected key")
		}
		var h [32]byte
		copy(h[:], parts[1].Encoded)
		op, err := s.readOp(rt, h, v)
		if err != nil {
			return err
		}
		out = append(out, op)
		return nil
	})
	return out, err
}

// CallWeight is the weight of call as the runtime computes it
// (TransactionPaymentCallApi_query_call_info).
func (s *Session) CallWeight(ctx context.Context, rt *Runtime, at chainclient.Hash, call []byte) (calls.Weight, error) {
	v, err := s.CallAPI(ctx, rt, at, "TransactionPaymentCallApi", "query_call_info", RawArg(call), uint32(len(call)))
	if err != nil {
		return calls.Weight{}, fmt.Errorf("the call's weight (TransactionPaymentCallApi_query_call_info): %w", err)
	}
	rtime, err1 := value.Uint64(Get(v, "weight", "ref_time"))
	proof, err2 := value.Uint64(Get(v, "weight", "proof_size"))
	if err1 != nil || err2 != nil {
		return calls.Weight{}, fmt.Errorf("the call's weight: unexpected answer %v", v)
	}
	return calls.Weight{RefTime: rtime, ProofSize: proof}, nil
}

// ErrCallData means the call data of an operation does not verify: the
// block body does not match its header's extrinsics root, or the call
// found does not hash to the operation's call hash.
var ErrCallData = fmt.Errorf("%w: multisig call data", ErrVerification)

// ProveCallData fetches the block op's timepoint names, by its hash in
// System.BlockHash (read at block at, proven; block at itself by its hash), checks the body against the
// header's extrinsics root, decodes the extrinsic at the timepoint's index
// and finds in it the as_multi call whose call hashes to op.CallHash. A
// body or call that does not verify fails with ErrCallData (exit 3); call
// data that is not on chain (the first approval was approve_as_multi, or
// the block is older than System.BlockHash keeps) leaves op.Call nil with
// op.CallNote saying why.
func (s *Session) ProveCallData(ctx context.Context, rt *Runtime, at chainclient.Hash, op *MultisigOp) error {
	head, err := s.Chain.Header(ctx, at)
	if err != nil {
		return err
	}
	var hb []byte
	found := false
	switch {
	case op.Height == head.Number:
		// System.BlockHash(n) is written when block n+1 starts.
		hb, found = head.Hash[:], true
	case op.Height < head.Number:
		hv, ok, err := s.Read(ctx, rt, at, "System", "BlockHash", op.Height)
		if err != nil {
			return fmt.Errorf("System.BlockHash(%d): %w", op.Height, err)
		}
		hb, _ = hexOf(hv)
		found = ok
	default:
		return fmt.Errorf("%w: the timepoint names block #%d, after the finalized block #%d", ErrCallData, op.Height, head.Number)
	}
	if !found || len(hb) != 32 || allZero(hb) {
		op.CallNote = fmt.Sprintf("block #%d is older than the block hashes the chain keeps (System.BlockHash): its call data cannot be fetched; pass it with --call-data", op.Height)
		return nil
	}
	copy(op.BlockHash[:], hb)
	hdr, err := s.Chain.Header(ctx, op.BlockHash)
	if err != nil {
		return fmt.Errorf("header of block #%d %s: %w", op.Height, op.BlockHash, err)
	}
	if hdr.Number != op.Height {
		return fmt.Errorf("%w: the header of %s says block #%d, not #%d", ErrCallData, op.BlockHash, hdr.Number, op.Height)
	}
	body, err := s.Chain.BlockBody(ctx, op.BlockHash)
	if err != nil {
		return fmt.Errorf("body of block #%d %s: %w", op.Height, op.BlockHash, err)
	}
	rootOK := trie.OrderedRoot(trie.V0, body) == trie.Hash(hdr.ExtrinsicsRoot) || trie.OrderedRoot(trie.V1, body) == trie.Hash(hdr.ExtrinsicsRoot)
	var unproven string
	switch {
	case !rootOK && s.Chain.Verified():
		return fmt.Errorf("%w: the body served for block #%d %s does not match its header's extrinsics root %s", ErrCallData, op.Height, op.BlockHash, hdr.ExtrinsicsRoot)
	case !rootOK:
		// An endpoint trusted on its word (--trust-rpc): its header is not
		// proven either. chopsticks writes a mock root (a hash of the
		// concatenated extrinsics), never the trie root.
		unproven = fmt.Sprintf("not proven: the endpoint is trusted, not verified, and the body it served for block #%d does not match the extrinsics root its header claims; the call was taken by its hash", op.Height)
	case !s.Chain.Verified():
		unproven = "not proven: the endpoint is trusted, not verified (its header, and so the extrinsics root the body matches, is its claim)"
	}
	if int(op.Index) >= len(body) {
		return fmt.Errorf("%w: block #%d has %d extrinsics, the timepoint names index %d", ErrCallData, op.Height, len(body), op.Index)
	}
	brt, err := s.Runtime(ctx, op.BlockHash)
	if err != nil {
		brt = rt
	}
	match, carried, byHash, err := findAsMulti(brt, body[op.Index], op.CallHash)
	if err != nil {
		return fmt.Errorf("extrinsic %d of block #%d: %w", op.Index, op.Height, err)
	}
	switch {
	case match != nil:
	case byHash > 0:
		op.CallNote = fmt.Sprintf("the first approval (block #%d, extrinsic %d) gave only the call hash (approve_as_multi): the call data is not on chain; pass it with --call-data", op.Height, op.Index)
		return nil
	default:
		return fmt.Errorf("%w: extrinsic %d of block #%d (the operation's timepoint) carries %d as_multi call(s), none with call hash 0x%x", ErrCallData, op.Index, op.Height, carried, op.CallHash)
	}
	// The call is decoded with today's runtime (it is executed by it).
	d, err := rt.Codec.DecodeCall(match)
	if err != nil {
		op.CallNote = fmt.Sprintf("the call data does not decode with the current runtime: %v", err)
	}
	op.Call, op.Decoded = match, d
	op.Proven = unproven == "" && op.CallNote == ""
	if unproven != "" && op.CallNote == "" {
		op.CallNote = unproven
	}
	return nil
}

// findAsMulti decodes an extrinsic of a block body and finds in its call
// (and the calls nested in it) the Multisig.as_multi whose call hashes to
// h: its call (nil when none), how many as_multi it carries, and how many
// approve_as_multi with call hash h.
func findAsMulti(rt *Runtime, ext []byte, h [32]byte) (match []byte, carried, byHash int, err error) {
	x, err := rt.Format.Decode(ext)
	if err != nil {
		return nil, 0, 0, err
	}
	call, err := rt.Codec.DecodeCall(x.Call)
	if err != nil {
		return nil, 0, 0, err
	}
	walkCalls(call, 0, func(c *value.Call) {
		if c.Pallet != "Multisig" {
			return
		}
		switch c.Name {
		case "as_multi":
			carried++
			v, _ := c.Args.Get("call")
			enc, err := rt.Codec.EncodeCall(v)
			if err == nil && calls.CallHash(enc) == h {
				match = enc
			}
		case "approve_as_multi":
			v, _ := c.Args.Get("call_hash")
			if b, _ := hexOf(v); len(b) == 32 && [32]byte(b) == h {
				byHash++
			}
		}
	})
	return match, carried, byHash, nil
}

// maxCallNesting bounds walkCalls.
const maxCallNesting = 8

// walkCalls calls fn on c and every call nested in its arguments.
func walkCalls(c *value.Call, depth int, fn func(*value.Call)) {
	if c == nil || depth > maxCallNesting {
		return
	}
	fn(c)
	var visit func(v any, d int)
	visit = func(v any, d int) {
		if d > 32 {
			return
		}
		switch x := v.(type) {
		case *value.Call:
			walkCalls(x, depth+1, fn)
		case value.Object:
			if nc, err := callOf(x); err == nil {
				walkCalls(nc, depth+1, fn)
				return
			}
			for _, f := range x {
				visit(f.Value, d+1)
			}
		case []any:
			for _, it := range x {
				visit(it, d+1)
			}
		}
	}
	for _, a := range c.Args {
		visit(a.Value, 0)
	}
}

// callOf reads a nested call of a decoded value: exactly the fields
// pallet, name and args.
func callOf(o value.Object) (*value.Call, error) {
	if len(o) != 3 {
		return nil, fmt.Errorf("not a call")
	}
	return value.CallOf(o)
}

func hexOf(v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("not hex")
	}
	return decodeHex(s)
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// MultisigPending is the open operations of a multisig with their call
// data, proven.
type MultisigPending struct {
	Multisig *Multisig
	Ops      []*MultisigOp
	At       chainclient.Header
}

// MultisigPending reads the open operations of ms at the finalized head
// and proves the call data of each.
func (s *Session) MultisigPending(ctx context.Context, ms *Multisig) (*MultisigPending, error) {
	if err := s.Route("Multisig"); err != nil {
		return nil, err
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	ops, err := s.MultisigOps(ctx, rt, h.Hash, ms.Account)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if err := s.ProveCallData(ctx, rt, h.Hash, op); err != nil {
			return nil, err
		}
	}
	return &MultisigPending{Multisig: ms, Ops: ops, At: *h}, nil
}

// MultisigInput is what multisig approve or cancel was given, as typed.
type MultisigInput struct {
	Signing
	// Multisig is its address book name or address.
	Multisig string
	// CallHash is the operation's call hash (0x-hex).
	CallHash string
	// CallData is the call, 0x-hex, when it is not on chain ("" fetch it).
	CallData string
}

func (in *MultisigInput) parse(kr Keyring) (*Multisig, [32]byte, []byte, error) {
	ms, err := ResolveMultisig(kr, "MULTISIG", in.Multisig)
	if err != nil {
		return nil, [32]byte{}, nil, err
	}
	b, err := decodeHex(in.CallHash)
	if err != nil || len(b) != 32 {
		return nil, [32]byte{}, nil, inputErrorf("CALLHASH", "%q is not a 32-byte 0x-hex call hash", in.CallHash)
	}
	var data []byte
	if in.CallData != "" {
		if data, err = decodeHex(in.CallData); err != nil || len(data) < 2 {
			return nil, [32]byte{}, nil, inputErrorf("--call-data", "not 0x-hex call data")
		}
	}
	return ms, [32]byte(b), data, nil
}

// openOperation reads open operation h of multisig ms at the finalized
// head; there being none is a mistake in CALLHASH (hint ends the message).
func (c *Composer) openOperation(ctx context.Context, ms *Multisig, h [32]byte, hint string) (*MultisigOp, error) {
	op, err := c.Sess.MultisigOp(ctx, c.Rt, c.Head.Hash, ms.Account, h)
	if err != nil {
		return nil, err
	}
	if op == nil {
		return nil, inputErrorf("CALLHASH", "multisig %s has no open operation 0x%x at finalized block #%d%s", c.Sess.Account(ms.Account), h, c.Head.Number, hint)
	}
	return op, nil
}

// PlanMultisigApprove approves open operation CALLHASH of a multisig as
// the sender, one of its signatories. The call is the one the chain holds
// (proven, ProveCallData) or --call-data (which must hash to CALLHASH);
// the approval that reaches the threshold carries it and executes it.
func PlanMultisigApprove(kr Keyring, in MultisigInput) (*Plan, error) {
	ms, h, data, err := in.parse(kr)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "multisig approve", in.Signing, "Multisig", func(ctx context.Context, c *Composer) (*Draft, error) {
		by := c.Signer.Account
		if !ms.Has(by) {
			return nil, inputErrorf("--from", "%s is not a signatory of multisig %s", c.Sess.Account(by), c.Sess.Account(ms.Account))
		}
		op, err := c.openOperation(ctx, ms, h, " (see 'ksm multisig pending')")
		if err != nil {
			return nil, err
		}
		call := data
		if call == nil {
			if err := c.Sess.ProveCallData(ctx, c.Rt, c.Head.Hash, op); err != nil {
				return nil, err
			}
			if op.Call == nil {
				return nil, inputErrorf("--call-data", "%s", op.CallNote)
			}
			call = op.Call
		} else if calls.CallHash(call) != h {
			return nil, fmt.Errorf("%w: --call-data hashes to 0x%x, not to the operation's call hash 0x%x", ErrCallData, calls.CallHash(call), h)
		}
		outer, _, note, err := c.multisigApproval(ctx, ms, by, call)
		if err != nil {
			return nil, err
		}
		inner, err := c.Rt.Codec.DecodeCall(call)
		if err != nil {
			return nil, fmt.Errorf("the operation's call does not decode with this runtime: %w", err)
		}
		return &Draft{Request: Request{Call: outer}, Title: fmt.Sprintf("Approve operation 0x%x of multisig %s", h, c.Sess.Account(ms.Account)),
			Details: note,
			Acting: &Acting{For: ms.Account, ForName: ms.Name, Inner: inner, InnerCall: call,
				Path: []Hop{{Kind: "multisig", For: ms.Account, By: by, Multisig: ms, Note: note}}}}, nil
	})
}

// PlanMultisigCancel cancels open operation CALLHASH of a multisig
// (Multisig.cancel_as_multi): only its depositor can, and gets the deposit
// back.
func PlanMultisigCancel(kr Keyring, in MultisigInput) (*Plan, error) {
	ms, h, _, err := in.parse(kr)
	if err != nil {
		return nil, err
	}
	return NewPlan(kr, "multisig cancel", in.Signing, "Multisig", func(ctx context.Context, c *Composer) (*Draft, error) {
		by := c.Signer.Account
		op, err := c.openOperation(ctx, ms, h, "")
		if err != nil {
			return nil, err
		}
		if op.Depositor != by {
			return nil, inputErrorf("--from", "only the depositor %s can cancel operation 0x%x, not %s", c.Sess.Account(op.Depositor), h, c.Sess.Account(by))
		}
		call, err := c.Rt.Calls.CancelAsMulti(ms.Threshold, ms.Others(by), calls.Timepoint{Height: op.Height, Index: op.Index}, h)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title:   fmt.Sprintf("Cancel operation 0x%x of multisig %s", h, c.Sess.Account(ms.Account)),
			Details: fmt.Sprintf("Deposit:   %s returned to %s", c.Amount(op.Deposit), c.Sess.Account(by))}, nil
	})
}
