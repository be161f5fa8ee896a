package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// ErrClosed: the connection is closed (by Close, by the server, or after a
// transport failure); pending and later calls fail with it.
//
// Errors returned by the client wrap ErrClosed or one of the other sentinel
// errors, declared next to the code that returns them (ErrMessageTooLarge,
// ErrBadFrame, ErrBadResult, ErrNotFound, ErrSlowConsumer, ErrNoSubscriptions,
// ErrUnsupportedScheme), or are an *Error from the server, or a context error.
var ErrClosed = errors.New("rpc: connection closed")

// Error is an error object returned by the server.
type Error struct {
	Code    int
	Message string
	Data    json.RawMessage // nil when absent
}

func (e *Error) Error() string {
	if len(e.Data) > 0 {
		return fmt.Sprintf("rpc error %d: %s: %.200s", e.Code, e.Message, e.Data)
	}
	return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message)
}

// Defaults for Options.
const (
	DefaultMaxMessageSize     = 64 << 20 // metadata is ~1 MiB hex today; leave room
	DefaultNotificationBuffer = 128
	DefaultWriteTimeout       = 30 * time.Second
)

// ErrMessageTooLarge: an incoming message exceeded Options.MaxMessageSize.
// On WebSocket the connection is then closed (errors wrap ErrClosed too).
var ErrMessageTooLarge = errors.New("rpc: message too large")

// Options tune a Client. The zero value gives the defaults.
type Options struct {
	// MaxMessageSize bounds one incoming message (WebSocket) or response
	// body (HTTP) in bytes. Default DefaultMaxMessageSize.
	MaxMessageSize int64
	// NotificationBuffer is how many notifications a subscription holds
	// before it is dropped with ErrSlowConsumer. Default DefaultNotificationBuffer.
	NotificationBuffer int
	// WriteTimeout bounds sending one request. Default DefaultWriteTimeout.
	WriteTimeout time.Duration
	// HTTPClient is used for http(s) endpoints and the WebSocket handshake.
	// Default: a client without a global timeout (contexts bound calls).
	HTTPClient *http.Client
	// Header is added to the HTTP requests and the WebSocket handshake.
	Header http.Header
}

func (o Options) withDefaults() Options {
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.NotificationBuffer <= 0 {
		o.NotificationBuffer = DefaultNotificationBuffer
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	return o
}

// Client is a JSON-RPC 2.0 connection. All methods are safe for concurrent
// use. Over WebSocket one reader goroutine delivers responses and
// notifications; over HTTP each call is one POST and there are no
// subscriptions.
type Client struct {
	opts Options
	url  string
	u    *url.URL // parsed url, for redacting errors

	ws       *websocket.Conn // nil for HTTP
	readDone chan struct{}   // closed when the reader goroutine has exited

	closedCh chan struct{} // closed once the client is closed, for any reason
	stopRead context.CancelFunc

	mu       sync.Mutex
	nextID   uint64
	pending  map[uint64]*pendingCall
	subs     map[string]*Subscription
	closeErr error // why the client closed; wraps ErrClosed
}

type callResult struct {
	result json.RawMessage
	err    error
}

type pendingCall struct {
	ch        chan callResult // buffered, receives exactly one value
	sub       *Subscription   // set for subscribe calls: registered by the reader
	abandoned bool            // the subscribe call's context ended first
}

// ErrUnsupportedScheme: the URL is not ws, wss, http or https.
var ErrUnsupportedScheme = errors.New("rpc: unsupported URL scheme")

// Dial connects to a JSON-RPC endpoint: ws:// or wss:// (WebSocket, with
// subscriptions) or http:// or https:// (one POST per call).
func Dial(ctx context.Context, rawURL string) (*Client, error) {
	return DialOptions(ctx, rawURL, Options{})
}

// DialOptions is Dial with options.
func DialOptions(ctx context.Context, rawURL string, opts Options) (*Client, error) {
	opts = opts.withDefaults()
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("rpc: parse endpoint: %w", err)
	}
	c := &Client{
		opts:     opts,
		url:      rawURL,
		u:        u,
		closedCh: make(chan struct{}),
		pending:  make(map[uint64]*pendingCall),
		subs:     make(map[string]*Subscription),
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return c, nil
	case "ws", "wss":
	default:
		return nil, fmt.Errorf("%w %q", ErrUnsupportedScheme, u.Scheme)
	}
	conn, _, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{
		HTTPClient: opts.HTTPClient,
		HTTPHeader: opts.Header,
	})
	if err != nil {
		return nil, fmt.Errorf("rpc: dial %s: %w", redactURL(u), redactErr(err, u))
	}
	conn.SetReadLimit(opts.MaxMessageSize)
	c.ws = conn
	c.readDone = make(chan struct{})
	readCtx, cancel := context.WithCancel(context.Background())
	c.stopRead = cancel
	go c.readLoop(readCtx)
	return c, nil
}

// redactURL drops user info and query, which may hold API keys.
func redactURL(u *url.URL) string {
	v := *u
	v.User = nil
	v.RawQuery = ""
	v.Fragment = ""
	return v.String()
}

// redactErr hides the URL's user info and query (the HTTP client quotes the
// URL in its errors) while keeping err's chain for errors.Is.
func redactErr(err error, u *url.URL) error {
	var secrets []string
	if u.User != nil {
		secrets = append(secrets, u.User.String())
	}
	if u.RawQuery != "" {
		secrets = append(secrets, u.RawQuery)
	}
	if u.Fragment != "" {
		secrets = append(secrets, u.EscapedFragment())
	}
	if len(secrets) == 0 {
		return err
	}
	msg := err.Error()
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, "REDACTED")
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Close closes the connection. Pending calls and subscriptions fail with
// ErrClosed. Close is idempotent.
func (c *Client) Close() error {
	c.shutdown(ErrClosed)
	if c.ws != nil {
		_ = c.ws.Close(websocket.StatusNormalClosure, "")
		c.stopRead()
		<-c.readDone
	}
	return nil
}

// Done is closed when the client has closed, for whatever reason; Err then
// says why.
func (c *Client) Done() <-chan struct{} { return c.closedCh }

// Err returns nil while the client is open, then the reason it closed
// (wrapping ErrClosed).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// shutdown marks the client closed with cause, fails pending calls and ends
// subscriptions. Only the first call has an effect.
func (c *Client) shutdown(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeErr != nil {
		return
	}
	if errors.Is(cause, ErrClosed) {
		c.closeErr = cause
	} else {
		c.closeErr = fmt.Errorf("%w: %w", ErrClosed, cause)
	}
	for id, p := range c.pending {
		p.ch <- callResult{err: c.closeErr}
		delete(c.pending, id)
	}
	for key, s := range c.subs {
		s.endLocked(c.closeErr)
		delete(c.subs, key)
	}
	close(c.closedCh)
}

// ErrBadResult: a result did not have the shape the method promises.
var ErrBadResult = errors.New("rpc: unexpected result")

// Call sends a request and decodes its result into result (which may be nil
// to discard it, or a *json.RawMessage to keep it raw). A server error is
// returned as *Error. params may be nil.
func (c *Client) Call(ctx context.Context, method string, params []any, result any) error {
	raw, err := c.call(ctx, method, params, nil)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResult, method, err)
	}
	return nil
}

type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      uint64 `json:"id"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

func (c *Client) call(ctx context.Context, method string, params []any, sub *Subscription) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rpc: %s: %w", method, err)
	}
	c.mu.Lock()
	if c.closeErr != nil {
		err := c.closeErr
		c.mu.Unlock()
		return nil, fmt.Errorf("rpc: %s: %w", method, err)
	}
	c.nextID++
	id := c.nextID
	c.mu.Unlock()

	body, err := json.Marshal(request{JSONRPC: "2.0", ID: id, Method: method, Params: params})
	if err != nil {
		return nil, fmt.Errorf("rpc: encode %s params: %w", method, err)
	}
	if c.ws == nil {
		return c.callHTTP(ctx, method, id, body)
	}
	return c.callWS(ctx, method, id, body, sub)
}

func (c *Client) callWS(ctx context.Context, method string, id uint64, body []byte, sub *Subscription) (json.RawMessage, error) {
	p := &pendingCall{ch: make(chan callResult, 1), sub: sub}
	c.mu.Lock()
	if c.closeErr != nil {
		err := c.closeErr
		c.mu.Unlock()
		return nil, fmt.Errorf("rpc: %s: %w", method, err)
	}
	c.pending[id] = p
	c.mu.Unlock()

	// The caller's context must not bound the write: coder/websocket closes
	// the whole connection when a write's context ends.
	wctx, cancel := context.WithTimeout(context.Background(), c.opts.WriteTimeout)
	err := c.ws.Write(wctx, websocket.MessageText, body)
	cancel()
	if err != nil {
		c.shutdown(fmt.Errorf("write %s: %w", method, err))
	}

	select {
	case r := <-p.ch:
		if r.err != nil {
			return nil, fmt.Errorf("rpc: %s: %w", method, r.err)
		}
		return r.result, nil
	case <-ctx.Done():
		c.mu.Lock()
		_, still := c.pending[id]
		if still && sub != nil {
			// Keep waiting for the id: if the server does subscribe, the
			// reader unsubscribes at once instead of leaking it.
			p.abandoned = true
		} else {
			delete(c.pending, id)
		}
		c.mu.Unlock()
		if !still {
			// The reader answered at the same moment: a subscription it
			// registered must not leak.
			if r := <-p.ch; r.err == nil && sub != nil {
				go sub.Unsubscribe()
			}
		}
		return nil, fmt.Errorf("rpc: %s: %w", method, ctx.Err())
	}
}

func (c *Client) callHTTP(ctx context.Context, method string, id uint64, body []byte) (json.RawMessage, error) {
	// Close cancels calls in flight.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.closedCh:
			cancel()
		case <-ctx.Done():
		}
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("rpc: %s: %w", method, err)
	}
	for k, vs := range c.opts.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		if cerr := c.Err(); cerr != nil {
			return nil, fmt.Errorf("rpc: %s: %w", method, cerr)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("rpc: %s: %w", method, ctx.Err())
		}
		return nil, fmt.Errorf("rpc: %s: %w", method, redactErr(err, c.u))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("rpc: %s: read response: %w", method, err)
	}
	if int64(len(data)) > c.opts.MaxMessageSize {
		return nil, fmt.Errorf("rpc: %s: %w (over %d bytes)", method, ErrMessageTooLarge, c.opts.MaxMessageSize)
	}
	f, perr := parseFrame(data)
	if perr != nil {
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("rpc: %s: HTTP %s", method, resp.Status)
		}
		return nil, fmt.Errorf("rpc: %s: %w", method, perr)
	}
	if f.kind != frameResponse || f.id != id {
		return nil, fmt.Errorf("rpc: %s: %w: response to another request", method, ErrBadFrame)
	}
	if f.err != nil {
		return nil, fmt.Errorf("rpc: %s: %w", method, f.err)
	}
	return f.result, nil
}

// readLoop is the one reader of a WebSocket connection: it demultiplexes
// responses (by id) and notifications (by subscription id) until the
// connection fails, then closes the client with the cause.
func (c *Client) readLoop(ctx context.Context) {
	defer close(c.readDone)
	for {
		_, data, err := c.ws.Read(ctx) // text or binary: both hold JSON
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				err = fmt.Errorf("%w (limit %d bytes): %w", ErrMessageTooLarge, c.opts.MaxMessageSize, err)
			}
			c.shutdown(err)
			return
		}
		f, err := parseFrame(data)
		if err != nil {
			c.shutdown(err)
			_ = c.ws.Close(websocket.StatusProtocolError, "malformed JSON-RPC message")
			return
		}
		c.dispatch(f)
	}
}

func (c *Client) dispatch(f frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch f.kind {
	case frameResponse:
		p, ok := c.pending[f.id]
		if !ok {
			return // answer to a call whose context ended
		}
		delete(c.pending, f.id)
		if f.err != nil {
			p.ch <- callResult{err: f.err}
			return
		}
		if p.sub != nil && p.abandoned {
			if _, err := subscriptionKey(f.result); err == nil {
				p.sub.rawID = f.result
				go c.sendUnsubscribe(p.sub)
			}
			return
		}
		if p.sub != nil {
			key, err := subscriptionKey(f.result)
			if err != nil {
				p.ch <- callResult{err: fmt.Errorf("%w: %v", ErrBadResult, err)}
				return
			}
			if _, dup := c.subs[key]; dup {
				p.ch <- callResult{err: fmt.Errorf("%w: duplicate subscription id %s", ErrBadResult, key[2:])}
				return
			}
			p.sub.key = key
			p.sub.rawID = f.result
			c.subs[key] = p.sub
		}
		p.ch <- callResult{result: f.result}
	case frameNotification:
		s, ok := c.subs[f.subKey]
		if !ok {
			return // unsubscribed or dropped; late notifications are normal
		}
		if f.subErr != nil {
			delete(c.subs, f.subKey)
			s.endLocked(f.subErr)
			return
		}
		select {
		case s.ch <- f.params:
		default:
			delete(c.subs, f.subKey)
			s.endLocked(ErrSlowConsumer)
			go c.sendUnsubscribe(s)
		}
	}
}

// Errors of subscriptions (possibly wrapped).
var (
	// ErrSlowConsumer: a subscription's notification buffer was full; the
	// subscription was dropped rather than let the buffer grow.
	ErrSlowConsumer = errors.New("rpc: subscriber too slow, subscription dropped")
	// ErrNoSubscriptions: subscriptions need a WebSocket endpoint.
	ErrNoSubscriptions = errors.New("rpc: subscriptions need a ws:// or wss:// endpoint")
)

// Subscription receives the notifications of one subscription.
type Subscription struct {
	c           *Client
	method      string
	unsubMethod string
	ch          chan json.RawMessage

	// Guarded by c.mu.
	key   string
	rawID json.RawMessage
	ended bool
	err   error
}

// Subscribe calls method (e.g. chain_subscribeNewHeads), whose result is a
// subscription id, and returns the subscription; unsubscribeMethod (e.g.
// chain_unsubscribeNewHeads) is called by Unsubscribe. Only over WebSocket.
func (c *Client) Subscribe(ctx context.Context, method string, params []any, unsubscribeMethod string) (*Subscription, error) {
	if c.ws == nil {
		return nil, fmt.Errorf("rpc: %s: %w", method, ErrNoSubscriptions)
	}
	s := &Subscription{
		c:           c,
		method:      method,
		unsubMethod: unsubscribeMethod,
		ch:          make(chan json.RawMessage, c.opts.NotificationBuffer),
	}
	if _, err := c.call(ctx, method, params, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Notifications returns the channel of notification results (the
// params.result of each notification, unchecked). It is closed when the
// subscription ends; Err then says why.
func (s *Subscription) Notifications() <-chan json.RawMessage { return s.ch }

// ID returns the subscription id as the server sent it (raw JSON).
func (s *Subscription) ID() json.RawMessage {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.rawID
}

// Err returns why the subscription ended: nil while it runs or after
// Unsubscribe, ErrSlowConsumer, an error wrapping ErrClosed, or an *Error the
// server sent in a notification.
func (s *Subscription) Err() error {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.err
}

// endLocked closes the channel once; c.mu must be held. The reader sends on
// the channel only under c.mu, so closing here is race-free.
func (s *Subscription) endLocked(err error) {
	if s.ended {
		return
	}
	s.ended = true
	s.err = err
	close(s.ch)
}

// Unsubscribe ends the subscription: its channel is closed at once and the
// unsubscribe method is called (waiting at most the write timeout). It is
// safe to call more than once and after the client closed.
func (s *Subscription) Unsubscribe() error {
	c := s.c
	c.mu.Lock()
	if s.ended {
		c.mu.Unlock()
		return nil
	}
	if c.subs[s.key] == s {
		delete(c.subs, s.key)
	}
	s.endLocked(nil)
	c.mu.Unlock()
	return c.sendUnsubscribe(s)
}

func (c *Client) sendUnsubscribe(s *Subscription) error {
	if s.unsubMethod == "" || s.rawID == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.WriteTimeout)
	defer cancel()
	err := c.Call(ctx, s.unsubMethod, []any{s.rawID}, nil)
	if errors.Is(err, ErrClosed) {
		return nil // nothing left to unsubscribe from
	}
	return err
}
