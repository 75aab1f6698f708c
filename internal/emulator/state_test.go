package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	opts := emulator.Options{Tokens: []string{tokenA, tokenB}, StatePath: statePath}

	first := emulatortest.Start(t, opts)
	kept := create(t, first, tokenA, "confidential")
	revoked := create(t, first, tokenA, "public").Client.ClientID
	replayed := call(t, first, tokenB, http.MethodPost, emulator.BasePath, createBody("B", "confidential"), "Idempotency-Key", "k")
	expectStatus(t, replayed, http.StatusCreated)
	accessToken, err := first.Server.Grant(kept.Client.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	revokedToken, err := first.Server.Grant(revoked)
	if err != nil {
		t.Fatal(err)
	}
	expectStatus(t, call(t, first, tokenA, http.MethodDelete, clientPath(revoked), ""), http.StatusNoContent)
	if err := first.Server.Suspend(kept.Client.ClientID); err != nil {
		t.Fatal(err)
	}
	if err := first.Server.GrantScope(tokenB, "decks:read-all"); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(statePath)
	if err != nil || !json.Valid(data) {
		t.Fatalf("state file: %v\n%s", err, data)
	}
	if bytes.Contains(data, []byte(kept.PlaintextClientSecret)) {
		t.Error("the state file holds a client secret in plain text outside the idempotency store")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	second := emulatortest.Start(t, opts)
	clients := second.Server.Clients(tokenA)
	if diff := cmp.Diff([]string{kept.Client.ClientID + " " + emulator.StatusSuspended}, idsAndStatuses(clients)); diff != "" {
		t.Fatalf("after restart (-want +got):\n%s", diff)
	}
	if c, ok := second.Server.Client(revoked); !ok || c.Status != emulator.StatusRevoked {
		t.Errorf("revoked client after restart: %+v %v", c, ok)
	}
	if !second.Server.VerifySecret(kept.Client.ClientID, kept.PlaintextClientSecret) {
		t.Error("secret lost across restart")
	}
	if !second.Server.TokenActive(accessToken) || second.Server.TokenActive(revokedToken) {
		t.Error("grants not restored")
	}
	if clients[0].LastUsedAt == nil || clients[0].ID != kept.Client.ID {
		t.Errorf("id or last_used_at lost across restart: %+v", clients[0])
	}
	if !second.Server.ScopeAllowed(tokenB, "decks:read-all") || second.Server.ScopeAllowed(tokenA, "decks:read-all") {
		t.Error("granted scopes not restored")
	}
	again := call(t, second, tokenB, http.MethodPost, emulator.BasePath, createBody("B", "confidential"), "Idempotency-Key", "k")
	if !bytes.Equal(again.body, replayed.body) {
		t.Errorf("idempotent replay lost across restart:\n%s\n%s", replayed.body, again.body)
	}
	if n := len(second.Server.Clients(tokenB)); n != 1 {
		t.Errorf("partner B has %d clients, want 1", n)
	}
}

func TestStateFileIsReplacedAtomically(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	s, err := emulator.New(emulator.Options{Tokens: []string{tokenA}, StatePath: statePath})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateAsDashboard(tokenA, "App", "public", []string{"https://a.example/cb"}, []string{"decks:read"}); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateAsDashboard(tokenA, "App 2", "public", []string{"https://a.example/cb"}, []string{"decks:read"}); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(statePath)
	if err != nil {
		t.Fatal(err)
	}
	// A rename puts a new file in place; writing in place would keep the old one.
	if os.SameFile(before, after) {
		t.Error("the state file was rewritten in place, not replaced")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestCorruptStateFileFailsStart(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(statePath, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(emulator.Options{StatePath: statePath}); err == nil {
		t.Fatal("New accepted a corrupt state file")
	}
}

func TestDefaultToken(t *testing.T) {
	t.Setenv("FLEXSLOT_PAT", "")
	s, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Tokens(); len(got) != 1 || got[0] != emulator.DefaultToken {
		t.Errorf("tokens %v", got)
	}
	t.Setenv("FLEXSLOT_PAT", "flx_pat_from_env")
	s, err = emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Tokens(); len(got) != 1 || got[0] != "flx_pat_from_env" {
		t.Errorf("tokens %v", got)
	}
}
