package emulator_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

func partnerRow(t *testing.T, r result) emulator.Partner {
	t.Helper()
	expectStatus(t, r, http.StatusOK)
	var p emulator.Partner
	r.decode(t, &p)
	return p
}

func TestPartnerRow(t *testing.T) {
	t.Parallel()
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA, tokenB}, GrantedScopes: []string{"decks:read-all"}})
	a := partnerRow(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, ""))
	b := partnerRow(t, call(t, inst, tokenB, http.MethodGet, emulator.PartnerPath, ""))
	if a.ID == b.ID || a.Slug == b.Slug || a.APIKeyPrefix == b.APIKeyPrefix {
		t.Fatalf("partners share a row: %+v %+v", a, b)
	}
	if a.Status != rules.StatusActive || a.RateLimitTier != emulator.RateLimitStandard || len(a.APIKeyPrefix) != 12 ||
		!strings.HasPrefix(a.APIKeyPrefix, emulator.APIKeyPrefix) || a.CreatedAt.IsZero() {
		t.Fatalf("partner row %+v", a)
	}
	// The default scopes: the catalog and the scopes granted to every partner.
	if want := append(rules.ScopeCatalog(), "decks:read-all"); !slices.Equal(a.Scopes, want) {
		t.Fatalf("scopes %v, want %v", a.Scopes, want)
	}
	// Only GET is served.
	r := call(t, inst, tokenA, http.MethodPost, emulator.PartnerPath, "")
	expectError(t, r, http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, "")
	if r.header.Get("Allow") != http.MethodGet {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	expectError(t, call(t, inst, "", http.MethodGet, emulator.PartnerPath, ""), http.StatusUnauthorized, emulator.CodeUnauthorized, "")
}

func TestRotateAPIKey(t *testing.T) {
	t.Parallel()
	inst := startTwoPartners(t)
	before := partnerRow(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, ""))
	r := call(t, inst, tokenA, http.MethodPost, emulator.RotateAPIKeyPath, "")
	expectStatus(t, r, http.StatusOK)
	var key emulator.APIKey
	r.decode(t, &key)
	if !strings.HasPrefix(key.PlaintextAPIKey, emulator.APIKeyPrefix) || key.APIKeyPrefix != key.PlaintextAPIKey[:12] || key.APIKeyPrefix == before.APIKeyPrefix {
		t.Fatalf("rotated key %+v after prefix %s", key, before.APIKeyPrefix)
	}
	if after := partnerRow(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, "")); after.APIKeyPrefix != key.APIKeyPrefix {
		t.Fatalf("the partner row shows %s after rotating to %s", after.APIKeyPrefix, key.APIKeyPrefix)
	}
	if !inst.Server.VerifyAPIKey(tokenA, key.PlaintextAPIKey) || inst.Server.VerifyAPIKey(tokenB, key.PlaintextAPIKey) {
		t.Fatal("the new key verifies for the wrong partner")
	}
	// A rotation outside the API stops the key.
	var outside emulator.APIKey
	control(t, inst, http.MethodPost, "/partner/rotate-api-key", `{"token":"`+tokenA+`"}`, http.StatusOK, &outside)
	if !inst.Server.VerifyAPIKey(tokenA, outside.PlaintextAPIKey) {
		t.Fatal("the key rotated outside the API does not verify")
	}
	if inst.Server.VerifyAPIKey(tokenA, key.PlaintextAPIKey) {
		t.Fatal("the old key still verifies after an outside rotation")
	}
	row, err := inst.Server.PartnerRow(tokenA)
	if err != nil || row.APIKeyPrefix == key.APIKeyPrefix {
		t.Fatalf("the outside rotation is not in the partner row: %+v %v", row, err)
	}
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.RotateAPIKeyPath, ""), http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed, "")
}

func TestControlPartner(t *testing.T) {
	t.Parallel()
	inst := startTwoPartners(t)

	// One partner: the answer is its row.
	var row emulator.Partner
	control(t, inst, http.MethodPost, "/partner",
		`{"token":"`+tokenA+`","status":"suspended","scopes":["cards:read","decks:read-all"],"game_scopes":["mtg"],"rate_limit_tier":"premium"}`,
		http.StatusOK, &row)
	if row.Status != rules.StatusSuspended || !slices.Equal(row.Scopes, []string{"cards:read", "decks:read-all"}) ||
		!slices.Equal(row.GameScopes, []string{"mtg"}) || row.RateLimitTier != emulator.RateLimitPremium {
		t.Fatalf("row after the control call: %+v", row)
	}
	if got := partnerRow(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, "")); got.Status != rules.StatusSuspended {
		t.Fatalf("GET /me/partner shows %+v", got)
	}
	if got := partnerRow(t, call(t, inst, tokenB, http.MethodGet, emulator.PartnerPath, "")); got.Status != rules.StatusActive {
		t.Fatalf("partner B changed too: %+v", got)
	}

	// A partner that is not active can neither create clients nor rotate its key.
	expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "confidential")),
		http.StatusForbidden, emulator.CodePartnerNotActive, "")
	expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.RotateAPIKeyPath, ""), http.StatusForbidden, emulator.CodePartnerNotActive, "")

	// Scopes set on the row are what a client may use beyond the catalog.
	if !inst.Server.ScopeAllowed(tokenA, "decks:read-all") || inst.Server.ScopeAllowed(tokenB, "decks:read-all") {
		t.Fatal("decks:read-all should be allowed for partner A only")
	}

	// Without a token: every partner, answered as {"partners": [rows in token order]}.
	var all struct {
		Partners []emulator.Partner `json:"partners"`
	}
	control(t, inst, http.MethodPost, "/partner", `{"status":"active"}`, http.StatusOK, &all)
	if len(all.Partners) != 2 || all.Partners[0].Status != rules.StatusActive || all.Partners[1].Status != rules.StatusActive ||
		all.Partners[0].Slug == all.Partners[1].Slug {
		t.Fatalf("every partner: %+v", all)
	}
	expectStatus(t, call(t, inst, tokenA, http.MethodPost, emulator.BasePath, createBody("App", "confidential")), http.StatusCreated)

	// Bad values are refused, naming the field.
	for body, field := range map[string]string{
		`{"status":"paused"}`:                          "status",
		`{"rate_limit_tier":"gold"}`:                   "rate_limit_tier",
		`{"scopes":["has space"]}`:                     "scopes[0]",
		`{"game_scopes":["m t g"]}`:                    "game_scopes[0]",
		`{"token":"flx_pat_nobody","status":"active"}`: "token",
	} {
		var e struct {
			Error struct{ Field string } `json:"error"`
		}
		status := http.StatusBadRequest
		if field == "token" {
			status = http.StatusNotFound
		}
		control(t, inst, http.MethodPost, "/partner", body, status, &e)
		if e.Error.Field != field {
			t.Errorf("%s: field %q, want %q", body, e.Error.Field, field)
		}
	}
	// Reset restores the defaults.
	control(t, inst, http.MethodPost, "/partner", `{"token":"`+tokenA+`","status":"revoked"}`, http.StatusOK, nil)
	control(t, inst, http.MethodPost, "/reset", "", http.StatusNoContent, nil)
	if got := partnerRow(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, "")); got.Status != rules.StatusActive {
		t.Fatalf("after reset: %+v", got)
	}
}

func TestAccessTokenMetadata(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 2, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	inst := startWith(t, emulator.Options{Tokens: []string{tokenA, tokenB}, Now: clock})

	r := call(t, inst, tokenA, http.MethodGet, emulator.AccessTokensPath, "")
	expectStatus(t, r, http.StatusOK)
	var meta emulator.AccessToken
	r.decode(t, &meta)
	if meta.Name == "" || meta.TokenPrefix != tokenA[:12] || meta.ExpiresAt != nil || meta.RevokedAt != nil || strings.Contains(string(r.body), tokenA) {
		t.Fatalf("metadata %s", r.body)
	}
	// Without the published trailing slash there is no such endpoint.
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, strings.TrimSuffix(emulator.AccessTokensPath, "/"), ""), http.StatusNotFound)

	// An expiry in the future: the token works and the metadata shows it.
	var set emulator.AccessToken
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","expires_at":"2026-06-10T18:00:00Z"}`, http.StatusOK, &set)
	if set.ExpiresAt == nil || !set.ExpiresAt.Equal(now.Add(8*24*time.Hour)) || set.TokenPrefix != tokenA[:12] {
		t.Fatalf("after setting the expiry: %+v", set)
	}
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusOK)

	// Expired: refused everywhere but on its own metadata, which says so.
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","expires_at":"2026-06-02T18:00:00Z"}`, http.StatusOK, nil)
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.BasePath, ""), http.StatusUnauthorized, emulator.CodeUnauthorized, "")
	expectError(t, call(t, inst, tokenA, http.MethodGet, emulator.PartnerPath, ""), http.StatusUnauthorized, emulator.CodeUnauthorized, "")
	r = call(t, inst, tokenA, http.MethodGet, emulator.AccessTokensPath, "")
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &meta)
	if meta.ExpiresAt == nil || meta.ExpiresAt.After(now) {
		t.Fatalf("expired metadata %s", r.body)
	}
	// An unknown token reads nothing.
	expectError(t, call(t, inst, "flx_pat_nobody", http.MethodGet, emulator.AccessTokensPath, ""), http.StatusUnauthorized, emulator.CodeUnauthorized, "")
	expectStatus(t, call(t, inst, tokenB, http.MethodGet, emulator.BasePath, ""), http.StatusOK)

	// null removes the expiry; revoked refuses the token until un-revoked.
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","expires_at":null}`, http.StatusOK, &set)
	if set.ExpiresAt != nil {
		t.Fatalf("expiry not removed: %+v", set)
	}
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","revoked":true}`, http.StatusOK, &set)
	if set.RevokedAt == nil {
		t.Fatalf("not revoked: %+v", set)
	}
	expectError(t, call(t, inst, tokenA, http.MethodPost, emulator.RotateAPIKeyPath, ""), http.StatusUnauthorized, emulator.CodeUnauthorized, "")
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","revoked":false}`, http.StatusOK, &set)
	expectStatus(t, call(t, inst, tokenA, http.MethodGet, emulator.AccessTokensPath, ""), http.StatusOK)

	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"flx_pat_nobody"}`, http.StatusNotFound, nil)
	control(t, inst, http.MethodPost, "/access-tokens", `{"token":"`+tokenA+`","expires_at":"tomorrow"}`, http.StatusBadRequest, nil)
}
