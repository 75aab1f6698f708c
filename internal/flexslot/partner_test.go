package flexslot_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

func countOps(inst interface {
	Requests() []emulator.RequestRecord
}) map[string]int {
	counts := map[string]int{}
	for _, r := range inst.Requests() {
		counts[r.Operation]++
	}
	return counts
}

func TestPartnerReadOncePerClient(t *testing.T) {
	t.Parallel()
	inst, c, _ := startEmulator(t, emulator.Options{})
	var wg sync.WaitGroup
	rows := make([]*flexslot.Partner, 8)
	for i := range rows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.Partner.Get(t.Context())
			if err != nil {
				t.Error(err)
			}
			rows[i] = p
		}()
	}
	wg.Wait()
	want, err := inst.Server.PartnerRow(tokenA)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rows {
		if p == nil || p.ID != want.ID || p.Slug != want.Slug || p.APIKeyPrefix != want.APIKeyPrefix || p.Status != "active" ||
			p.RateLimitTier != flexslot.RateLimitStandard || len(p.Scopes) != len(want.Scopes) || p.GameScopes == nil {
			t.Fatalf("partner row %+v, want %+v", p, want)
		}
	}
	// The row is read once, whoever asks and however often.
	rows[0].Scopes[0] = "changed by the caller"
	if p, _ := c.Partner.Get(t.Context()); p.Scopes[0] == "changed by the caller" {
		t.Fatal("callers share the kept row")
	}
	if got := countOps(inst.Server); got[emulator.OperationPartner] != 1 || len(got) != 1 {
		t.Fatalf("requests %v, want one partner read", got)
	}
}

func TestRotateAPIKey(t *testing.T) {
	t.Parallel()
	inst, c, logs := startEmulator(t, emulator.Options{})
	before, err := c.Partner.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	key, err := c.Partner.RotateAPIKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !inst.Server.VerifyAPIKey(tokenA, key.PlaintextAPIKey) || key.APIKeyPrefix != key.PlaintextAPIKey[:12] || key.APIKeyPrefix == before.APIKeyPrefix {
		t.Fatalf("rotated key %+v, prefix before %s", key, before.APIKeyPrefix)
	}
	// The kept row follows the rotation without another read.
	after, err := c.Partner.Get(t.Context())
	if err != nil || after.APIKeyPrefix != key.APIKeyPrefix {
		t.Fatalf("kept row after rotation: %+v %v", after, err)
	}
	if got := countOps(inst.Server); got[emulator.OperationPartner] != 1 || got[emulator.OperationRotateAPIKey] != 1 {
		t.Fatalf("requests %v", got)
	}
	// The key is redacted from the logs and from anything the client reports.
	for _, e := range logs.entries {
		if strings.Contains(e, key.PlaintextAPIKey) {
			t.Fatalf("the key appears in a log entry: %s", e)
		}
	}
	if got := c.Redact("key " + key.PlaintextAPIKey); strings.Contains(got, key.PlaintextAPIKey) {
		t.Fatalf("Redact leaves the key: %s", got)
	}
}

func TestAccessTokenMetadata(t *testing.T) {
	t.Parallel()
	inst, c, _ := startEmulator(t, emulator.Options{})
	expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	if _, err := inst.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: tokenA, ExpiresAt: []byte(`"` + expires.Format(time.RFC3339) + `"`)}); err != nil {
		t.Fatal(err)
	}
	meta, err := c.AccessTokens.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if meta.Name == "" || meta.TokenPrefix != tokenA[:12] || meta.ExpiresAt == nil || !meta.ExpiresAt.Equal(expires) {
		t.Fatalf("metadata %+v", meta)
	}
	if _, err := c.AccessTokens.Current(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := countOps(inst.Server); got[emulator.OperationAccessToken] != 1 {
		t.Fatalf("requests %v, want one metadata read", got)
	}
	if got := c.TokenLabel(); got != `"`+meta.Name+`" (`+tokenA[:12]+`…)` {
		t.Fatalf("TokenLabel = %q", got)
	}
}

func TestRefusedTokenIsNamed(t *testing.T) {
	t.Parallel()
	inst, _, _ := startEmulator(t, emulator.Options{})
	if _, err := inst.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: tokenA, Revoked: new(bool)}); err != nil {
		t.Fatal(err)
	}
	revoked := true
	if _, err := inst.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: tokenA, Revoked: &revoked}); err != nil {
		t.Fatal(err)
	}
	describing := func(token string) *flexslot.Client {
		c, err := flexslot.NewClient(flexslot.Config{BaseURL: inst.URL, HTTPClient: inst.HTTPClient, Token: token, DescribeRefusedToken: true, RetryMax: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// A revoked token: its metadata names it and says why.
	_, err := describing(tokenA).OAuth2Clients.List(t.Context())
	var apiErr *flexslot.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("list with a revoked token: %v", err)
	}
	if !strings.Contains(apiErr.Token, `"Emulator token 1" (`+tokenA[:12]+"…)") || !strings.HasPrefix(apiErr.TokenState, "it was revoked at ") {
		t.Fatalf("Token %q, TokenState %q", apiErr.Token, apiErr.TokenState)
	}
	// An unknown token reads no metadata: only its prefix names it.
	unknown := "flx_pat_UNKNOWN0123456789abcdef"
	_, err = describing(unknown).Partner.Get(t.Context())
	if !errors.As(err, &apiErr) || apiErr.Token != "the token starting flx_pat_UNKN…" || apiErr.TokenState != "" {
		t.Fatalf("unknown token: %v (Token %q)", err, apiErr.Token)
	}
	if strings.Contains(err.Error(), unknown) || strings.Contains(apiErr.Token, unknown) {
		t.Fatal("the token itself is shown")
	}
	// Without DescribeRefusedToken a 401 costs no further request.
	inst.Server.ClearRequests()
	c, _ := flexslot.NewClient(flexslot.Config{BaseURL: inst.URL, HTTPClient: inst.HTTPClient, Token: unknown, RetryMax: -1})
	if _, err := c.OAuth2Clients.List(t.Context()); !flexslot.IsUnauthorized(err) {
		t.Fatal(err)
	}
	if got := len(inst.Server.Requests()); got != 1 {
		t.Fatalf("%d requests, want 1", got)
	}
}

func TestConfiguredTokenLabel(t *testing.T) {
	t.Parallel()
	for token, want := range map[string]string{
		"flx_pat_0123456789abcdefghij": "the token starting flx_pat_0123…",
		"flx_pat_dev":                  "the token starting flx_pat_…",
		"flx_pat_acc_partner_a":        "the token starting flx_pat_…",
		"sk_live_0123456789abcdefghij": "the token starting sk_live_0123…",
		"short":                        "a token without the flx_pat_ prefix",
	} {
		if got := flexslot.ConfiguredTokenLabel(token); got != want {
			t.Errorf("ConfiguredTokenLabel(%q) = %q, want %q", token, got, want)
		}
	}
}

// The published examples decode; the partner example omits status and
// rate_limit_tier, which stay empty rather than failing the read.
func TestPublishedMeExamplesDecode(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/public/v1/me/partner", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(apispec.PartnerExample()))
	})
	mux.HandleFunc("GET /api/public/v1/me/access-tokens/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(apispec.AccessTokenExample()))
	})
	mux.HandleFunc("POST /api/public/v1/me/partner/rotate-api-key", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(apispec.RotateAPIKeyExample()))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := flexslot.NewClient(flexslot.Config{BaseURL: srv.URL, Token: tokenA})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Date(2023, 11, 7, 5, 31, 56, 0, time.UTC)
	p, err := c.Partner.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantPartner := &flexslot.Partner{
		ID:              "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		Slug:            "<string>",
		Name:            "<string>",
		ContactEmail:    "jsmith@example.com",
		WebsiteURL:      "<string>",
		APIKeyPrefix:    "<string>",
		Scopes:          []string{"<string>"},
		GameScopes:      []string{"<string>"},
		AllowedOrigins:  []string{"<string>"},
		SecretRotatedAt: &at,
		LastUsedAt:      &at,
		CreatedAt:       at,
		UpdatedAt:       at,
	}
	if diff := cmp.Diff(wantPartner, p); diff != "" {
		t.Errorf("partner (-want +got):\n%s", diff)
	}
	meta, err := c.AccessTokens.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := &flexslot.AccessToken{
		ID:          "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		Name:        "<string>",
		TokenPrefix: "<string>",
		Scopes:      []string{"<string>"},
		CreatedAt:   at,
		LastUsedAt:  &at,
		ExpiresAt:   &at,
		RevokedAt:   &at,
	}
	if diff := cmp.Diff(wantMeta, meta); diff != "" {
		t.Errorf("access token metadata (-want +got):\n%s", diff)
	}
	key, err := c.Partner.RotateAPIKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&flexslot.IssuedAPIKey{PlaintextAPIKey: "<string>", APIKeyPrefix: "<string>"}, key); diff != "" {
		t.Errorf("issued API key (-want +got):\n%s", diff)
	}
}
