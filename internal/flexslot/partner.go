package flexslot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

const (
	partnerPath      = "/me/partner"
	rotateAPIKeyPath = partnerPath + "/rotate-api-key"
	// accessTokensPath ends with a slash, as published.
	accessTokensPath = "/me/access-tokens/"

	// TokenPrefix starts every Personal Access Token [doc: every /me page names the flx_pat_ format].
	TokenPrefix = "flx_pat_"
	// shownPrefixLength is how many leading characters of a token or key
	// Flexslot itself shows (token_prefix, api_key_prefix) [doc].
	shownPrefixLength = 12
)

// Rate-limit tiers of the partner row [doc].
const (
	RateLimitStandard = "standard"
	RateLimitPremium  = "premium"
)

// Partner is the calling user's partner row (GET /me/partner) as the API
// returns it. It never holds a key or a hash. Unknown fields are ignored, and
// a field the answer omits stays empty: the published example omits
// rate_limit_tier and status, which the field list marks required.
type Partner struct {
	ID              string     `json:"id"`
	Slug            string     `json:"slug"`
	Name            string     `json:"name"`
	ContactEmail    string     `json:"contact_email"`
	WebsiteURL      string     `json:"website_url"`
	APIKeyPrefix    string     `json:"api_key_prefix"`
	Scopes          []string   `json:"scopes"`
	GameScopes      []string   `json:"game_scopes"`
	AllowedOrigins  []string   `json:"allowed_origins"`
	RateLimitTier   string     `json:"rate_limit_tier"`
	Status          string     `json:"status"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at"`
	LastUsedAt      *time.Time `json:"last_used_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// AccessToken is the metadata of the calling Personal Access Token (GET
// /me/access-tokens/). It never holds the token.
type AccessToken struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	TokenPrefix string     `json:"token_prefix"`
	Scopes      []string   `json:"scopes"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
}

// IssuedAPIKey is the answer of rotate-api-key, the only time a partner API
// key is ever returned.
type IssuedAPIKey struct {
	PlaintextAPIKey string `json:"plaintext_api_key"`
	// APIKeyPrefix is the key's first 12 characters, as the partner row shows it.
	APIKeyPrefix string `json:"api_key_prefix"`
}

// PartnerService reads the calling user's partner row and rotates its API key.
type PartnerService struct {
	client *Client
}

// onceRead is a read made at most once per Client: readers that arrive while
// it is in flight wait for it, and its outcome serves every later reader. An
// outcome that only says the first reader gave up is not kept.
type onceRead[T any] struct {
	mu    sync.Mutex
	done  bool
	value T
	err   error
	calls chan struct{} // closed when the read in flight ends
}

func (o *onceRead[T]) get(ctx context.Context, fetch func(context.Context) (T, error)) (T, error) {
	for {
		o.mu.Lock()
		if o.done {
			defer o.mu.Unlock()
			return o.value, o.err
		}
		wait := o.calls
		if wait == nil {
			o.calls = make(chan struct{})
			o.mu.Unlock()
			v, err := fetch(ctx)
			o.mu.Lock()
			if err == nil || ctx.Err() == nil {
				o.value, o.err, o.done = v, err, true
			}
			close(o.calls)
			o.calls = nil
			o.mu.Unlock()
			return v, err
		}
		o.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

// kept returns the value of a read that succeeded.
func (o *onceRead[T]) kept() (T, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.value, o.done && o.err == nil
}

// tried reports whether the read was made, successful or not.
func (o *onceRead[T]) tried() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.done
}

// update changes a kept value in place.
func (o *onceRead[T]) update(f func(*T)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done && o.err == nil {
		f(&o.value)
	}
}

// Get returns the partner row. It is read at most once per Client: later
// calls, and calls that arrive while it is being read, get the same answer or
// error. Rotate keeps the row's api_key_prefix current.
func (s *PartnerService) Get(ctx context.Context) (*Partner, error) {
	p, err := s.client.partner.get(ctx, s.fetch)
	if err != nil {
		return nil, err
	}
	c := clonePartner(*p)
	return &c, nil
}

func (s *PartnerService) fetch(ctx context.Context) (*Partner, error) {
	c := s.client
	var p Partner
	_, err := c.do(ctx, &call{
		method: http.MethodGet, path: partnerPath, resendLost: true,
		decode: func(body []byte) error { return decodePartner(body, &p) },
	}, c.policy.newBudget())
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// RotateAPIKey issues a new partner API key; Flexslot stops the previous one.
// A lost answer is recovered by rotating again, which leaves the last key
// issued current. The key is redacted from everything this Client logs or
// reports from then on.
func (s *PartnerService) RotateAPIKey(ctx context.Context) (*IssuedAPIKey, error) {
	c := s.client
	var issued IssuedAPIKey
	_, err := c.do(ctx, &call{
		method: http.MethodPost, path: rotateAPIKeyPath,
		idempotencyKey: uuid.NewString(), resendLost: true, reserve: true,
		decode: func(body []byte) error { return c.decodeAPIKey(body, &issued) },
	}, c.policy.newBudget())
	if err != nil {
		return nil, err
	}
	c.partner.update(func(p **Partner) {
		updated := clonePartner(**p)
		updated.APIKeyPrefix = issued.APIKeyPrefix
		*p = &updated
	})
	return &issued, nil
}

func decodePartner(body []byte, p *Partner) error {
	if err := decodeObject(body, p, "the partner row"); err != nil {
		return err
	}
	if p.ID == "" {
		return errors.New("the partner row has no id")
	}
	p.Scopes, p.GameScopes, p.AllowedOrigins = nonNil(p.Scopes), nonNil(p.GameScopes), nonNil(p.AllowedOrigins)
	return nil
}

func (c *Client) decodeAPIKey(body []byte, k *IssuedAPIKey) error {
	err := json.Unmarshal(body, k)
	if k.PlaintextAPIKey != "" {
		c.secrets.add(k.PlaintextAPIKey)
	}
	if err != nil {
		return err
	}
	if k.PlaintextAPIKey == "" {
		return errors.New("the answer holds no plaintext_api_key")
	}
	if k.APIKeyPrefix == "" {
		// Published as the key's first 12 characters.
		k.APIKeyPrefix = shownPrefix(k.PlaintextAPIKey)
	}
	return nil
}

// decodeObject decodes a JSON object, refusing an array or any other value.
func decodeObject(body []byte, v any, what string) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return err
	}
	if probe == nil {
		return errors.New(what + " is not a JSON object")
	}
	return json.Unmarshal(body, v)
}

func clonePartner(p Partner) Partner {
	p.Scopes = slices.Clone(p.Scopes)
	p.GameScopes = slices.Clone(p.GameScopes)
	p.AllowedOrigins = slices.Clone(p.AllowedOrigins)
	return p
}

// AccessTokensService reads the metadata of the calling Personal Access Token.
type AccessTokensService struct {
	client *Client
}

// Current returns the metadata of the calling token. It is read at most once
// per Client, like the partner row. After Flexslot refused the token (401) it
// is usually not readable either.
func (s *AccessTokensService) Current(ctx context.Context) (*AccessToken, error) {
	t, err := s.client.accessToken.get(ctx, s.fetch)
	if err != nil {
		return nil, err
	}
	c := *t
	c.Scopes = slices.Clone(t.Scopes)
	return &c, nil
}

func (s *AccessTokensService) fetch(ctx context.Context) (*AccessToken, error) {
	c := s.client
	var t AccessToken
	_, err := c.do(ctx, &call{
		method: http.MethodGet, path: accessTokensPath, resendLost: true,
		decode: func(body []byte) error {
			if err := decodeObject(body, &t, "the token's metadata"); err != nil {
				return err
			}
			// token_prefix is what Flexslot shows of the token: kept, but never longer than published.
			t.Name, t.TokenPrefix = c.clean(t.Name, 255), truncate(singleLine(t.TokenPrefix), shownPrefixLength)
			t.Scopes = nonNil(t.Scopes)
			return nil
		},
	}, c.policy.newBudget())
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// TokenLabel names the calling token without showing it: its name and
// token_prefix from its metadata when this Client read them, or else the
// first characters of the token, as Flexslot shows them, when the token is
// long enough that they reveal little of it; otherwise only whether it starts
// with TokenPrefix.
func (c *Client) TokenLabel() string {
	if t, ok := c.accessToken.kept(); ok && t != nil {
		if t.Name != "" && t.TokenPrefix != "" {
			return strconvQuote(t.Name) + " (" + t.TokenPrefix + "…)"
		}
		if t.Name != "" {
			return strconvQuote(t.Name)
		}
	}
	return ConfiguredTokenLabel(c.token)
}

// ConfiguredTokenLabel names a token by its prefix alone: the first 12
// characters, as Flexslot's token_prefix shows them, when the token is at
// least twice as long; otherwise "flx_pat_…" or "a token without the flx_pat_
// prefix", so that no short token is ever shown whole.
func ConfiguredTokenLabel(token string) string {
	switch {
	case len(token) >= 2*shownPrefixLength && !strings.ContainsFunc(token[:shownPrefixLength], isUnsafeInLabel):
		return "the token starting " + token[:shownPrefixLength] + "…"
	case strings.HasPrefix(token, TokenPrefix):
		return "the token starting " + TokenPrefix + "…"
	}
	return "a token without the " + TokenPrefix + " prefix"
}

func isUnsafeInLabel(r rune) bool {
	return r < 0x21 || r == 0x7f || r == '"' || r == '\\'
}

func shownPrefix(s string) string {
	if len(s) > shownPrefixLength {
		return s[:shownPrefixLength]
	}
	return s
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// labelRefusedToken records, on a 401 answer, which token Flexslot refused.
// With Config.DescribeRefusedToken the metadata is read once if it was not
// yet; when it is not readable either, the label falls back to the token's
// prefix.
func (c *Client) labelRefusedToken(ctx context.Context, cl *call, err error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		return
	}
	if c.describeRefused && cl.path != accessTokensPath && !c.accessToken.tried() {
		_, _ = c.AccessTokens.Current(ctx)
	}
	apiErr.Token = c.TokenLabel()
	if t, ok := c.accessToken.kept(); ok && t != nil {
		apiErr.TokenState = t.Unusable(time.Now())
	}
}

// Unusable says why the metadata shows the token cannot work at now: "it
// was revoked at ..." or "it expired at ..."; "" when it can.
func (t *AccessToken) Unusable(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "it was revoked at " + t.RevokedAt.UTC().Format(time.RFC3339)
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return "it expired at " + t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return ""
}
