package grandpa

import "errors"

// Sentinel errors (possibly wrapped) of this package. Callers use them to
// decide whether a peer sent something wrong.
var (
	// ErrBadSignature means a precommit signature does not verify.
	ErrBadSignature = errors.New("grandpa: bad precommit signature")
	// ErrDuplicateSignature means the same authority signed the same precommit twice.
	ErrDuplicateSignature = errors.New("grandpa: duplicate precommit signer")
	// ErrEquivocation means an authority signed more than two precommits in
	// one commit (two, an equivocation, are accepted as finality-grandpa does).
	ErrEquivocation = errors.New("grandpa: equivocating precommit signer")
	// ErrNotEnoughWeight means the valid precommits do not reach the threshold.
	ErrNotEnoughWeight = errors.New("grandpa: precommit weight below threshold")
	// ErrUnknownAuthority means a precommit is signed by a key outside the set.
	ErrUnknownAuthority = errors.New("grandpa: precommit signer not in authority set")
	// ErrNotDescendant means a precommit target is not the commit target or a
	// descendant of it proven by the votes ancestries.
	ErrNotDescendant = errors.New("grandpa: precommit target does not descend from commit target")
	// ErrUnusedAncestry means votes_ancestries holds a header no precommit needs.
	ErrUnusedAncestry = errors.New("grandpa: unused header in votes ancestries")
	// ErrDuplicateAncestry means votes_ancestries holds the same header twice.
	ErrDuplicateAncestry = errors.New("grandpa: duplicate header in votes ancestries")
	// ErrSetIDMismatch means a commit or fragment is for another authority set.
	ErrSetIDMismatch = errors.New("grandpa: authority set id mismatch")
	// ErrTargetMismatch means a justification does not finalize the expected block.
	ErrTargetMismatch = errors.New("grandpa: justification target is not the expected block")
	// ErrInvalidAuthoritySet means an authority set is empty, repeats a key,
	// has a zero weight or overflows.
	ErrInvalidAuthoritySet = errors.New("grandpa: invalid authority set")
	// ErrMalformed means a justification, commit or warp proof does not decode.
	ErrMalformed = errors.New("grandpa: malformed message")
	// ErrNoAuthorityChange means a warp fragment's header does not end its set
	// with a scheduled or forced change.
	ErrNoAuthorityChange = errors.New("grandpa: warp fragment header has no authority-set change")
	// ErrFragmentOrder means warp fragments are not in increasing block order.
	ErrFragmentOrder = errors.New("grandpa: warp fragments out of order")
	// ErrConflictingChanges means a header carries more than one change of a kind,
	// or a change is signalled while another is pending.
	ErrConflictingChanges = errors.New("grandpa: conflicting authority-set changes")
	// ErrNotFinalizedInOrder means finalized headers were fed out of order.
	ErrNotFinalizedInOrder = errors.New("grandpa: finalized header out of order")
	// ErrWarpIncomplete means a warp proof has no fragment yet claims more.
	ErrWarpIncomplete = errors.New("grandpa: warp proof incomplete")
)
