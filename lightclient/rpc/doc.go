// Package rpc is ksm's JSON-RPC 2.0 transport to Substrate nodes: a small
// client over WebSocket (ws://, wss://) and HTTP (http://, https://), with
// typed helpers for the methods ksm needs.
//
// # Nothing returned is trusted
//
// A JSON-RPC server can say anything. This package only checks that answers
// have the right shape (a 32-byte hash is 32 bytes, a header has its fields)
// and never that they are true: a header's parent, a storage value, a
// runtime version or a metadata blob are claims. Package lightclient checks
// them (GRANDPA-final headers, storage read proofs against a verified state
// root) before anything is shown or signed. Only ksm's explicit --trust-rpc
// mode, for development chains, uses these values unverified.
//
// # Transport
//
// Dial picks the transport from the URL scheme. Over WebSocket one reader
// goroutine per connection delivers responses (by request id) and
// subscription notifications (by subscription id); calls may be made from
// many goroutines at once. Over HTTP each call is one POST and there are no
// subscriptions (ErrNoSubscriptions).
//
// Error contract:
//   - a server error object is returned as *Error (use errors.As);
//   - a closed connection fails every pending and later call with an error
//     wrapping ErrClosed (Close, the server hanging up, a malformed frame or an
//     oversized message: the latter also wrap ErrBadFrame or ErrMessageTooLarge);
//   - a call's context bounds only that call; cancelling it does not harm the
//     connection;
//   - a result of the wrong shape wraps ErrBadResult; a null result where a
//     value was expected wraps ErrNotFound.
//
// Incoming messages are limited to Options.MaxMessageSize (64 MiB by
// default, enough for any runtime metadata). Each subscription buffers at
// most Options.NotificationBuffer notifications; a consumer that falls
// further behind loses the subscription (its channel closes and Err returns
// ErrSlowConsumer) instead of letting memory grow.
//
// The package keeps no global state.
package rpc
