// Package app holds ksm's use cases: what the command line and the TUI do,
// composed from wallet keys, tx (metadata, values, calls, extrinsics) and a
// chain reached through the chainclient.Chain interface (package app/chainclient).
//
// # Sessions
//
// Open identifies the chain behind a chain.Chain: its genesis hash, the
// embedded network profile with that genesis (nil for a development chain),
// and its token (SS58 prefix, decimals, symbol from system_properties, else
// the profile). Session.Runtime loads a block's runtime (metadata v14–v16,
// newest first, cached per spec version) with its extrinsic Format, value
// Codec and call Builder (tx/calls).
//
// Reading: Session.Read (a storage item's decoded value at a block),
// Session.Iterate (a map's keys and values, paged), Session.CallAPI (a
// runtime API method with value-JSON arguments and result), Session.Balance
// (free, reserved, frozen, transferable, locks, holds, freezes).
//
// Routing: a relay network (kusama, ...) is the relay chain and its Asset
// Hub. RouteChain picks the chain of the network hosting a verb's pallet
// (the routing table VerbPallets, PalletOfVerb; --chain overrides it), and
// the front end opens that chain; a plan's Pallet must then be in that
// chain's verified metadata. Session.Route(pallet) fails with ErrWrongChain
// naming the chain to use when the session's profile places pallet on
// another of its chains (a single-chain network such as kusama-asset-hub);
// a development chain, or a chain chosen with --chain, serves every pallet.
// Prepare routes every call of a batch itself. Every Outcome names its
// chain (Session.ChainID) and is Verified only when proven (decided in
// Session.Outcome for every submitting path).
//
// # Plans and the execution path
//
// A verb is a plan function (PlanTransfer, PlanStake*, PlanPool*, PlanGov*)
// taking what was typed: it checks the arguments and resolves keys and
// addresses in a Keyring before any network step (an *InputError), and
// returns a *Plan. Execute runs a plan on a session: the plan's composer
// reads the chain and builds the call (refusing what the chain would
// refuse), then prepare, confirm (Confirmer), unlock (PasswordPrompter),
// sign, check, submit and follow (ProgressReporter) to the Outcome. A
// declined confirmation or a cancelled prompt is ErrCancelled with nothing
// signed or sent. NewPlan wraps a call composed elsewhere (a call given
// as JSON) in the same path.
//
// # Transactions
//
// Under Execute every transaction goes through the same steps:
//
//	rt, _ := sess.Latest(ctx)
//	call, _ := rt.Calls.TransferKeepAlive(dest, amount)   // or rt.Calls.Call(pallet, name, args), BatchAll
//	p, err := sess.Prepare(ctx, app.Request{From: id, Scheme: "sr25519", Call: call, Spend: amount})
//	// show p.Call (decoded from p.Payload, the exact bytes to sign), p.Fee,
//	// p.Balance and p.After; ask for confirmation; unlock the key
//	signed, _ := p.Sign(pair)
//	_ = sess.Check(ctx, p, signed)                    // system_dryRun when no DryRunApi ran before signing
//	out, err := sess.Submit(ctx, p, signed, progress) // once; ready → inBlock → finalized
//
// Prepare takes the nonce from the chain and this machine's pending
// transactions (NonceStore, a file per account under <home>/pending), signs
// a mortal era of DefaultEraPeriod blocks from the finalized head, enables
// CheckMetadataHash (mode 1, RFC-0078 digest) whenever the runtime has the
// extension, estimates the fee with TransactionPaymentApi_query_info, checks
// the balance (ErrInsufficientBalance, ErrExistentialDeposit unless
// AllowDeath) and dry-runs the call with DryRunApi_dry_run_call where the
// runtime has it (a *WouldFailError with the decoded dispatch error).
// Request.Spend declares what leaves the sender besides the fee (amounts,
// deposits, bonds) for the balance effect; SkipDryRun submits without dry
// runs.
//
// A runtime compiled without its metadata hash (RUNTIME_METADATA_HASH unset,
// as the local Paseo runtime of the test data) refuses every mode 1
// transaction with UnknownTransaction::CannotLookup whatever the digest.
// Prepare asks once per runtime, by validating the transaction with a
// placeholder signature (TaggedTransactionQueue_validate_transaction), and
// then signs with mode 0, saying so in Prepared.MetadataHashNote.
//
// Runtime metadata is cached per spec version in memory and under
// <home>/cache (metadata read from an unverified backend apart).
//
// Submit never sends twice. Its errors: *NotIncludedError (refused or
// dropped, and the chain bears it out; wraps ErrRejected), *UnsettledError
// (the backend said refused or dropped but the chain does not bear it out:
// the account's nonce moved past the transaction's, or its era has not
// ended; wraps ErrOutcomeUnknown, the nonce stays pending),
// *InterruptedError (the backend went away; says whether the transaction
// was sent; wraps chain.ErrDisconnected). A refusal is borne out when the
// transaction's era has ended with its nonce unused, or, on a verified
// chain, when the runtime ksm runs on proven state finds it invalid too. Its
// Outcome has the inclusion block, the events of the transaction decoded
// from metadata, the fee paid and, when the call failed, the decoded
// DispatchError (pallet, name, docs).
package app
