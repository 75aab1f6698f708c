package provider

import (
	"fmt"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

func TestAccPartnerAPIKey_lifecycle(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	// The key the partner uses today, made in the dashboard.
	old, err := e.Server.RotateAPIKeyAsDashboard(testTokenA)
	if err != nil {
		t.Fatal(err)
	}

	// Create: the plan says in plain words that the current key stops working.
	w.WriteConfig(apiKeyConfig(map[string]any{"rotation_triggers": map[string]string{"generation": "1"}}))
	if got := plannedValueOf(t, w, apiKeyAddr, "key_version"); got != 1.0 {
		t.Fatalf("key_version planned for create = %v, want 1, known at plan", got)
	}
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Applying this plan replaces the partner API key", old.APIKeyPrefix+"…", "stops working",
		"terraform import flexslot_partner_api_key")
	e.Server.ClearRequests()
	w.Apply().RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotateAPIKey]; n != 1 {
		t.Fatalf("create sent %d rotations, want 1", n)
	}
	attrs := apiKeyAttrs(t, w)
	first := fmt.Sprint(attrs["plaintext_api_key"])
	row, _ := e.Server.PartnerRow(testTokenA)
	if !e.Server.VerifyAPIKey(testTokenA, first) || e.Server.VerifyAPIKey(testTokenA, old.PlaintextAPIKey) ||
		attrs["api_key_prefix"] != first[:12] || attrs["api_key_prefix"] != row.APIKeyPrefix || attrs["id"] != row.ID ||
		attrs["key_current"] != true || attrs["rotated_at"] == nil || attrs["api_key_encrypted"] != nil || attrs["key_version"] != 1.0 {
		t.Fatalf("after create: %v", attrs)
	}
	// A no-change plan rotates nothing and warns about nothing.
	requireNoWarnings(t, w.Plan("-detailed-exitcode").RequireSuccess(t))

	// Rotation: a new trigger value issues a new key and stops the one in state.
	w.WriteConfig(apiKeyConfig(map[string]any{"rotation_triggers": map[string]string{"generation": "2"}}))
	if got := plannedValueOf(t, w, apiKeyAddr, "key_version"); got != 2.0 {
		t.Fatalf("key_version planned for a rotation = %v, want 2, known at plan", got)
	}
	requireWarning(t, w.Plan().RequireSuccess(t), "Applying this plan rotates the partner API key", "rotation_triggers changed", first[:12]+"…")
	w.Apply().RequireSuccess(t)
	attrs = apiKeyAttrs(t, w)
	second := fmt.Sprint(attrs["plaintext_api_key"])
	if second == first || !e.Server.VerifyAPIKey(testTokenA, second) || e.Server.VerifyAPIKey(testTokenA, first) {
		t.Fatal("the rotation did not replace the key")
	}
	if attrs["key_version"] != 2.0 {
		t.Fatalf("after the rotation, key_version is %v, want 2", attrs["key_version"])
	}
	// A refresh and a plan that rotate nothing leave key_version alone.
	w.Apply("-refresh-only").RequireSuccess(t)
	requireNoChanges(t, w, "after the rotation")
	if v := apiKeyAttrs(t, w)["key_version"]; v != 2.0 {
		t.Fatalf("after a refresh, key_version is %v, want 2", v)
	}
	// A state written by an earlier version has no key_version: it plans no
	// change, and the refresh counts the key it holds as 1.
	stripStateAttribute(t, w, "key_version")
	if plan := w.Plan("-detailed-exitcode", "-refresh=false"); plan.ExitCode != 0 {
		t.Fatalf("plan -refresh=false of an earlier state: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}
	w.Apply("-refresh-only").RequireSuccess(t)
	if v := apiKeyAttrs(t, w)["key_version"]; v != 1.0 {
		t.Fatalf("after refreshing an earlier state, key_version is %v, want 1", v)
	}

	// Destroy calls nothing and says the key stays valid.
	e.Server.ClearRequests()
	r := w.Destroy().RequireSuccess(t)
	requireWarning(t, r, "The partner API key stays valid", second[:12]+"…", "no way to revoke")
	if n := e.requestCounts()[emulator.OperationRotateAPIKey]; n != 0 || !e.Server.VerifyAPIKey(testTokenA, second) {
		t.Fatalf("destroy rotated %d times; the key verifies: %t", n, e.Server.VerifyAPIKey(testTokenA, second))
	}
}

func TestAccPartnerAPIKey_encrypted(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	id, _ := age.GenerateX25519Identity()
	w.WriteConfig(apiKeyConfig(map[string]any{"secret_recipients": []string{id.Recipient().String()}}))
	requireWarning(t, w.Plan().RequireSuccess(t), "Applying this plan replaces the partner API key", "api_key_encrypted")
	w.Apply().RequireSuccess(t)
	attrs := apiKeyAttrs(t, w)
	if attrs["plaintext_api_key"] != nil || attrs["key_current"] != true {
		t.Fatalf("with secret_recipients: %v", attrs)
	}
	key, err := sealedsecret.Open(fmt.Sprint(attrs["api_key_encrypted"]), id)
	if err != nil || !e.Server.VerifyAPIKey(testTokenA, key) {
		t.Fatalf("the decrypted key does not verify: %v", err)
	}
	// The key's prefix is in state, as Flexslot shows it; the key is not.
	requireNoPlaintext(t, w, key)

	// Turning encryption off rotates, so the key the recipients hold stops working.
	w.WriteConfig(apiKeyConfig(nil))
	requireWarning(t, w.Plan().RequireSuccess(t), "Applying this plan rotates the partner API key", "secret_recipients changed")
	w.Apply().RequireSuccess(t)
	plain := fmt.Sprint(apiKeyAttrs(t, w)["plaintext_api_key"])
	if !e.Server.VerifyAPIKey(testTokenA, plain) || e.Server.VerifyAPIKey(testTokenA, key) {
		t.Fatal("turning encryption off did not rotate the key")
	}
}

func TestAccPartnerAPIKey_driftAfterAnOutsideRotation(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(apiKeyConfig(nil))
	w.Apply().RequireSuccess(t)
	held := fmt.Sprint(apiKeyAttrs(t, w)["plaintext_api_key"])

	// Rotated in the dashboard: the refresh finds the partner row's prefix changed.
	outside, err := e.Server.RotateAPIKeyAsDashboard(testTokenA)
	if err != nil {
		t.Fatal(err)
	}
	refresh := w.Plan("-refresh-only", "-detailed-exitcode")
	if refresh.ExitCode != 2 {
		t.Fatalf("refresh-only plan after an outside rotation: exit %d, want 2\n%s", refresh.ExitCode, refresh.Stdout)
	}
	requireWarning(t, refresh, "Partner API key in state is stale", outside.APIKeyPrefix+"…", held[:12]+"…")
	w.Apply("-refresh-only").RequireSuccess(t)
	if attrs := apiKeyAttrs(t, w); attrs["key_current"] != false || attrs["api_key_prefix"] != held[:12] {
		t.Fatalf("after the refresh: %v", attrs)
	}

	// rotate_when_stale: the plan rotates, and the apply puts a working key in state.
	w.WriteConfig(apiKeyConfig(map[string]any{"rotate_when_stale": true}))
	requireWarning(t, w.Plan().RequireSuccess(t), "Applying this plan rotates the partner API key", "not current")
	w.Apply().RequireSuccess(t)
	attrs := apiKeyAttrs(t, w)
	if attrs["key_current"] != true || !e.Server.VerifyAPIKey(testTokenA, fmt.Sprint(attrs["plaintext_api_key"])) ||
		e.Server.VerifyAPIKey(testTokenA, outside.PlaintextAPIKey) {
		t.Fatalf("after rotate_when_stale: %v", attrs)
	}
	requireNoWarnings(t, w.Plan("-detailed-exitcode").RequireSuccess(t))
}

func TestAccPartnerAPIKey_import(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	current, err := e.Server.RotateAPIKeyAsDashboard(testTokenA)
	if err != nil {
		t.Fatal(err)
	}
	row, _ := e.Server.PartnerRow(testTokenA)
	w.WriteConfig(apiKeyConfig(nil))

	// Another partner's id is refused.
	other, _ := e.Server.PartnerRow(testTokenB)
	if r := w.Run("import", "-input=false", "-no-color", "flexslot_partner_api_key.this", other.ID); r.ExitCode == 0 ||
		!strings.Contains(r.Stderr, "Import ID names another partner") || !strings.Contains(r.Stderr, row.Slug) {
		t.Fatalf("importing another partner's key: exit %d\n%s", r.ExitCode, r.Stderr)
	}

	e.Server.ClearRequests()
	r := w.Run("import", "-input=false", "-no-color", "flexslot_partner_api_key.this", row.Slug).RequireSuccess(t)
	if !strings.Contains(r.Stdout+r.Stderr, "Imported partner API key is not in state") {
		t.Fatalf("import did not warn that the key is not in state:\n%s\n%s", r.Stdout, r.Stderr)
	}
	attrs := apiKeyAttrs(t, w)
	if attrs["plaintext_api_key"] != nil || attrs["key_current"] != false || attrs["api_key_prefix"] != current.APIKeyPrefix ||
		attrs["id"] != row.ID || attrs["rotated_at"] != nil || attrs["key_version"] != 0.0 {
		t.Fatalf("after import: %v", attrs)
	}
	// Import rotated nothing: the key in use still works, and a plan leaves it alone.
	if n := e.requestCounts()[emulator.OperationRotateAPIKey]; n != 0 || !e.Server.VerifyAPIKey(testTokenA, current.PlaintextAPIKey) {
		t.Fatalf("import rotated %d times", n)
	}
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 0 {
		t.Fatalf("plan after import: exit %d\n%s", plan.ExitCode, plan.Stdout)
	}
	// The first rotation puts the first key in state: key_version 1.
	w.WriteConfig(apiKeyConfig(map[string]any{"rotate_when_stale": true}))
	w.Apply().RequireSuccess(t)
	if attrs := apiKeyAttrs(t, w); attrs["key_current"] != true || attrs["key_version"] != 1.0 {
		t.Fatalf("after the first rotation: %v", attrs)
	}
}
