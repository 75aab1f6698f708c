// Package flexslot is a typed client for Flexslot's partner API for OAuth2
// clients. It imports nothing from Terraform.
package flexslot

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

const (
	// DefaultBaseURL is the production Flexslot API.
	DefaultBaseURL = "https://api.flexslot.gg"

	apiPrefix        = "/api/public/v1"
	defaultUserAgent = "terraform-provider-flexslot (+https://registry.terraform.io/providers/flexslot/flexslot)"

	// maxBodyBytes bounds what is read from a response; a full list of clients is a few KiB.
	maxBodyBytes = 4 << 20

	// corroborationSettle is how long a read of a client the list omits waits
	// for the read of another client that the list holds. The CLI sends the
	// reads of one refresh at once, so they arrive within it of each other.
	corroborationSettle = time.Second
)

// Config configures a Client.
type Config struct {
	// BaseURL is the scheme and host of the API, such as DefaultBaseURL, and
	// optionally a path prefix; the API path /api/public/v1 is added by the
	// client. "" means DefaultBaseURL; see CheckBaseURL for the rest.
	BaseURL string
	// Token is the Personal Access Token sent as a bearer token. It is treated
	// as opaque: any value CheckToken accepts.
	Token string
	// UserAgent is the complete User-Agent header value; empty means a default.
	UserAgent string
	// HTTPClient is the underlying client; nil means a pooled client with TLS
	// verification on. It is copied, never modified. Redirects are never followed.
	HTTPClient *http.Client
	// RetryMax is the number of retries after the first attempt; 0 means 10 and a negative value none.
	RetryMax int
	// RetryWaitMin is the first backoff step and RetryWaitMax caps it; 0 means 250ms and 30s.
	// Each wait is jittered within [step/2, step]; a Retry-After header is honoured instead.
	RetryWaitMin, RetryWaitMax time.Duration
	// DescribeRefusedToken makes the first 401 answer read the calling
	// token's metadata (GET /me/access-tokens/), unless it was read already,
	// so that APIError.Token can name the token. Off, a 401 costs no request.
	DescribeRefusedToken bool
	// Logf, when set, receives one redacted entry per HTTP attempt.
	Logf func(ctx context.Context, msg string, fields map[string]any)
}

// Client is a Flexslot API client for one partner token. It is safe for
// concurrent use. All reads of one Client share its list calls (see
// OAuth2ClientsService.List), so a provider configuration should use one Client.
type Client struct {
	OAuth2Clients *OAuth2ClientsService
	// Partner reads the partner row, at most once per Client, and rotates its API key.
	Partner *PartnerService
	// AccessTokens reads the calling token's metadata, at most once per Client.
	AccessTokens *AccessTokensService

	baseURL   string
	token     string
	userAgent string
	http      *http.Client
	policy    retryPolicy
	secrets   redactor
	lists     *sharedList
	// describeRefused is Config.DescribeRefusedToken.
	describeRefused bool
	// partner and accessToken are the reads made at most once per Client.
	partner     onceRead[*Partner]
	accessToken onceRead[*AccessToken]
	creates     keyedLock
	// minReserveDeadline is minReserveDeadline, but for tests.
	minReserveDeadline time.Duration

	mu sync.Mutex
	// seen holds, for every client ID a list returned, when the first list
	// holding it came back: such a client existed before any create started later.
	seen map[string]time.Time
	// claimed holds the client IDs this Client created, adopted or was asked
	// about by ID: they belong to someone, so a lost create never adopts them.
	claimed map[string]bool
	// claimedMore is closed, and replaced, whenever claimed grows.
	claimedMore chan struct{}
	// settle is corroborationSettle, but for tests.
	settle time.Duration
}

// NewClient returns a client for cfg. It fails only when the configuration is
// unusable, and its errors never show the token or a password.
func NewClient(cfg Config) (*Client, error) {
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := CheckBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	c := &Client{
		baseURL:   base + apiPrefix,
		token:     cfg.Token,
		userAgent: cfg.UserAgent,

		describeRefused: cfg.DescribeRefusedToken,
		seen:            map[string]time.Time{},
		claimed:         map[string]bool{},
		claimedMore:     make(chan struct{}),
		settle:          corroborationSettle,

		minReserveDeadline: minReserveDeadline,
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	c.secrets.add(cfg.Token)

	hc := cleanhttp.DefaultPooledClient()
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient // never mutate the caller's client
		hc = &copied
	}
	// The API never redirects; following one could hand the token to another host.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if cfg.Logf != nil {
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Transport = &loggingTransport{next: next, logf: cfg.Logf, redact: c.secrets.redact}
	}
	c.http = hc

	c.policy = retryPolicy{
		retryMax: cfg.RetryMax,
		waitMin:  orDefault(cfg.RetryWaitMin, defaultWaitMin),
		waitMax:  orDefault(cfg.RetryWaitMax, defaultWaitMax),
	}
	switch {
	case cfg.RetryMax == 0:
		c.policy.retryMax = defaultRetryMax
	case cfg.RetryMax < 0:
		c.policy.retryMax = 0
	}
	if c.policy.waitMax < c.policy.waitMin {
		c.policy.waitMax = c.policy.waitMin
	}

	c.lists = newSharedList(c.fetchList)
	c.OAuth2Clients = &OAuth2ClientsService{client: c}
	c.Partner = &PartnerService{client: c}
	c.AccessTokens = &AccessTokensService{client: c}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Redact hides the token, every secret this client has seen, and everything
// the package-level Redact hides.
func (c *Client) Redact(s string) string { return c.secrets.redact(s) }

func (c *Client) redact(s string) string { return c.secrets.redact(s) }

// Close stops the lists in flight, a Prefetch included, and waits until they
// have returned. The Client stays usable.
func (c *Client) Close() { c.lists.close() }

// markSeen records the clients of a list that came back at completed.
func (c *Client) markSeen(ids []string, completed time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if t, ok := c.seen[id]; !ok || completed.Before(t) {
			c.seen[id] = completed
		}
	}
}

// claim records client IDs that belong to someone.
func (c *Client) claim(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.claimed[id] = true
	}
	close(c.claimedMore)
	c.claimedMore = make(chan struct{})
}

// Claim records that the clients belong to this provider configuration, such
// as the client IDs a plan finds in state: a lost create never adopts them.
func (c *Client) Claim(ids ...string) { c.claim(ids...) }

// AwaitClaim reports whether the client belongs to this provider
// configuration (see Claim), waiting for claims as awaitClaims does: the plan
// of a new client may run just before the refresh of an existing one.
func (c *Client) AwaitClaim(ctx context.Context, id string) bool {
	return c.awaitClaims(ctx, func() bool { return c.claimed[id] })
}

// awaitCorroboration reports whether r holds a client, other than clientID,
// that this Client claimed, waiting for claims as awaitClaims does.
func (c *Client) awaitCorroboration(ctx context.Context, r *listResult, clientID string) bool {
	return c.awaitClaims(ctx, func() bool {
		for i := range r.clients {
			if id := r.clients[i].ClientID; id != clientID && c.claimed[id] {
				return true
			}
		}
		return false
	})
}

// awaitClaims reports whether done, called with c.mu held, is true: at once,
// or after a claim that arrives before none has for c.settle.
func (c *Client) awaitClaims(ctx context.Context, done func() bool) bool {
	for {
		c.mu.Lock()
		ok, more := done(), c.claimedMore
		c.mu.Unlock()
		if ok {
			return true
		}
		timer := time.NewTimer(c.settle)
		select {
		case <-more:
			timer.Stop()
		case <-timer.C:
			return false
		case <-ctx.Done():
			timer.Stop()
			return false
		}
	}
}

// knownBefore reports whether this Client knew the client before start: it
// claimed it, or a list that came back before start held it.
func (c *Client) knownBefore(id string, start time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed[id] {
		return true
	}
	t, ok := c.seen[id]
	return ok && t.Before(start)
}

// keyedLock is a mutex per key whose waits end with their context.
type keyedLock struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	ch   chan struct{}
	refs int
}

func (k *keyedLock) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{ch: make(chan struct{}, 1)}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()

	release := func() {
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
	select {
	case e.ch <- struct{}{}:
		return func() { <-e.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}
