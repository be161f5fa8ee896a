package tui

import (
	"context"
	"time"
)

// Backend is everything the dashboard reads and does: the port the
// caller implements over its use cases (ksm's app layer). Every method may
// do I/O and block; the model calls them only from tea.Cmds. Amounts and
// addresses arrive formatted for people; every value carries whether it
// was verified (proven by the light client) or is what a trusted endpoint
// said.
type Backend interface {
	// Keys lists the keystore's keys (local and fast: the first paint).
	Keys(ctx context.Context) ([]Key, error)
	// Connect opens the chain; progress receives the sync's steps and
	// messages while it runs and, after it returns, the chain's live
	// events (new finalized blocks) until ctx ends.
	Connect(ctx context.Context, progress func(Progress)) (Header, error)
	// Header reads the header's state again.
	Header(ctx context.Context) (Header, error)
	// Balances reads the balances of the given keys, per chain.
	Balances(ctx context.Context, keys []Key) ([]Account, error)
	// Staking reads the staking state of a key.
	Staking(ctx context.Context, key Key) (*Staking, error)
	// Validators lists the validator candidates.
	Validators(ctx context.Context) ([]Validator, error)
	// Referenda lists the ongoing referenda.
	Referenda(ctx context.Context) ([]Referendum, error)
	// Claim reads the claim of an Ethereum address for a key.
	Claim(ctx context.Context, eth string, key Key) (*Claim, error)
	// Paras reads the status of parachain ids.
	Paras(ctx context.Context, ids []uint32) ([]Para, error)
	// MyParas finds the para ids whose manager is one of keys
	// (Registrar.Paras) and reads their status.
	MyParas(ctx context.Context, keys []Key) ([]Para, error)
	// Relations reads a key's proxies (both directions) and the
	// multisigs it is or signs for, one entry per chain that has them.
	Relations(ctx context.Context, key Key) ([]Relations, error)
	// Rewards reads a key's unclaimed staking rewards (the eras
	// `stake payout` would pay); slow: read after Staking.
	Rewards(ctx context.Context, key Key) (*Rewards, error)
	// Activity lists this machine's pending transactions.
	Activity(ctx context.Context) ([]Tx, error)
	// Run runs an action (a transaction) through the one execution path,
	// asking through ask.
	Run(ctx context.Context, a Action, ask Asker) (*Result, error)
	// Keystore changes.
	NewMnemonic() (string, error)
	CreateKey(ctx context.Context, name, mnemonic string, password []byte) error
	ImportKey(ctx context.Context, name, secret string, password []byte) error
	RenameKey(ctx context.Context, from, to string) error
	RemoveKey(ctx context.Context, name string) error
	// Copy puts text on the terminal's clipboard (OSC 52).
	Copy(text string) error
}

// Key is one keystore entry. It carries no secret.
type Key struct {
	Name      string
	Scheme    string
	PublicKey string
	Address   string
	WatchOnly bool
}

// Chain is one chain's verified (or trusted) finalized block.
type Chain struct {
	Name     string
	Block    uint64
	Hash     string
	Verified bool
}

// Header is the header line's state.
type Header struct {
	Network string
	Chains  []Chain
	// Peers is the light client's peer count (-1: not known).
	Peers int
	// Mode says how the chain is reached (p2p, rpc, trusted-rpc).
	Mode string
	// CheckpointAge is the start point's age (0: not known); Warning is
	// set when it is old enough to worry.
	CheckpointAge time.Duration
	Warning       string
}

// Progress is one step of the connection: a sync step, a new finalized
// block, or a message.
type Progress struct {
	Sync *Sync
	// Finalized, when set, is a new finalized block of a chain.
	Finalized *Chain
	Log       string
	Peers     int
	// Reload says a chain was added: the panels read again.
	Reload bool
}

// Sync is the warp sync's progress: blocks (fragments) done towards the
// target since the start.
type Sync struct {
	Done, Target, Start uint32
}

// Account is a key with its balances on each chain.
type Account struct {
	Key      Key
	Balances []ChainBalance
	// Total sums the chains' balances ("" when they cannot be added).
	Total string
	Err   string
}

// ChainBalance is an account's balance on one chain.
type ChainBalance struct {
	Chain                                string
	Free, Reserved, Frozen, Transferable string
	Locks                                []string
	Block                                uint64
	Verified                             bool
	Err                                  string
}

// Staking is a key's staking state.
type Staking struct {
	Chain    string
	Block    uint64
	Verified bool
	// Note explains why there is nothing (not bonded, wrong chain).
	Note                        string
	Bonded                      bool
	Stash, Controller           string
	Total, Active, Withdrawable string
	Payee                       string
	Unlocking                   []Unlocking
	Nominations                 []Nomination
	Pending                     string
	CurrentEra, ActiveEra       uint32
}

// Unlocking is an unbonding chunk.
type Unlocking struct {
	Amount       string
	Era          uint32
	When         string
	Withdrawable bool
}

// Nomination is a nominated validator and its state.
type Nomination struct {
	Validator  string
	Commission string
	// State is active, elected (inactive) or waiting.
	State   string
	Blocked bool
}

// Validator is a validator candidate.
type Validator struct {
	Address    string
	Commission uint64 // parts per billion
	// OwnStake and TotalStake are in planck for sorting, with their text.
	OwnStake, TotalStake    float64
	OwnText, TotalText      string
	Points                  uint32
	Blocked, Oversubscribed bool
	Verified                bool
	Elected                 bool
	// Nominators backs the validator in the active era; Rewarded is the
	// runtime's nominators per exposure page (MaxExposurePageSize, or
	// MaxNominatorRewardedPerValidator on older runtimes; 0: unknown).
	// Oversubscribed says Nominators > Rewarded.
	Nominators, Rewarded int
}

// Rewards are a key's unclaimed staking rewards.
type Rewards struct {
	Chain    string
	Block    uint64
	Verified bool
	// Total is the estimated sum ("" when none is computable).
	Total string
	Eras  []Reward
}

// Reward is one validator's unclaimed era.
type Reward struct {
	Validator string
	Era       uint32
	// Page is the exposure page ("" without pages).
	Page   string
	Amount string
}

// Relations are what one chain says of a key acting for others and
// others acting for it.
type Relations struct {
	Chain    string
	Block    uint64
	Verified bool
	Err      string
	// Proxies may act for the key; Deposit is reserved for them.
	Proxies []Proxy
	Deposit string
	// ActsFor are the accounts the key may act for, among Checked
	// accounts ksm knows (the chain indexes proxies by the real account).
	ActsFor []Proxy
	Checked int
	// Multisigs are the address book's multisigs the key is or signs for.
	Multisigs []Multisig
}

// Proxy is one proxy relationship: the other account, its keystore name
// (if any), the proxy type and announcement delay.
type Proxy struct {
	Account string
	Name    string
	Type    string
	Delay   uint64
}

// Multisig is a multisig of the address book with its open operations.
type Multisig struct {
	Name        string
	Address     string
	Threshold   int
	Signatories int
	// Self says the key is the multisig itself (not a signatory).
	Self bool
	// Pending counts its open operations (-1: not read; PendingErr why).
	Pending    int
	PendingErr string
}

// Referendum is an ongoing referendum.
type Referendum struct {
	Index                  uint32
	Track                  string
	Phase                  string
	Ayes, Nays             string
	Approval, NeedApproval string
	Support, NeedSupport   string
	Passing                bool
	TimeLeft               string
	Proposal               string
	Verified               bool
}

// Claim is an Ethereum address's claim.
type Claim struct {
	EthAddress string
	Lines      []string
	Message    string
	Verified   bool
}

// Para is a parachain id's status.
type Para struct {
	ID       uint32
	Lines    []string
	Verified bool
}

// Tx is a transaction of this machine or this session.
type Tx struct {
	When    string
	Chain   string
	Account string
	Nonce   uint64
	Hash    string
	Status  string
	Session bool
}

// Action is a transaction to run: its verb (transfer, stake bond, gov vote,
// ...), the key that signs and the fields as typed.
type Action struct {
	Verb    string
	From    string
	Fields  map[string]string
	Targets []string
}

// Review is the confirm screen's content: the call decoded from the exact
// payload to sign, the chain, the fee, the balance before and after, and
// warnings.
type Review struct {
	Title    string
	Details  string
	From     string
	Chain    string
	Call     string
	Fee      string
	Before   string
	After    string
	DryRun   string
	Warnings []string
	Verified bool
	// Acting says whom the call acts for and how (proxy, multisig).
	Acting string
	// Unsigned is a transaction no key of ksm signs (a claim): no fee,
	// no balance change of a key; Question is what to ask.
	Unsigned bool
	Question string
}

// Asker is what an action asks the dashboard: the confirm screen, the
// masked password prompt, and what it is doing.
type Asker interface {
	Reviewed(r Review)
	Confirm(ctx context.Context, r Review) (bool, error)
	Password(ctx context.Context, key string) ([]byte, error)
	Status(text string)
	Warn(text string)
}

// Result is what an action did.
type Result struct {
	Success bool
	// Lines describe the outcome (hash, block, events, error with docs).
	Lines    []string
	Hash     string
	Verified bool
}
