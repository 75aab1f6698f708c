package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

func sealedClientConfig(recipients ...string) string {
	quoted, _ := json.Marshal(recipients)
	return requiredFlexslot + webClientConfig("Sealed", `["https://app.example.com/cb"]`, `["cards:read"]`,
		"  secret_recipients = "+string(quoted))
}

func stateAttrs(t *testing.T, w *acctest.Workspace) map[string]any {
	t.Helper()
	return w.State(t).Values.RootModule.Resources[0].AttributeValues
}

// openSealed decrypts client_secret_encrypted and checks the result at the emulator.
func (e *testEmulator) requireSealedSecretVerifies(t *testing.T, attrs map[string]any, id age.Identity) {
	t.Helper()
	if attrs["client_secret"] != nil {
		t.Fatalf("client_secret is %v, want null while secret_recipients is set", attrs["client_secret"])
	}
	sealed, _ := attrs["client_secret_encrypted"].(string)
	secret, err := sealedsecret.Open(sealed, id)
	if err != nil {
		t.Fatalf("decrypting client_secret_encrypted: %v", err)
	}
	if clientID := attrs["client_id"].(string); !e.Server.VerifySecret(clientID, secret) {
		t.Fatalf("the decrypted secret of %s does not verify", clientID)
	}
}

// requireNoPlaintext fails if any file of the workspace holds a secret or the token.
func requireNoPlaintext(t *testing.T, w *acctest.Workspace, extra ...string) {
	t.Helper()
	err := filepath.WalkDir(w.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range append([]string{emulator.SecretPrefix, testTokenA}, extra...) {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAccOAuth2Client_sealedSecret(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	first, _ := age.GenerateX25519Identity()
	second, _ := age.GenerateX25519Identity()

	w.WriteConfig(sealedClientConfig(first.Recipient().String()))
	w.Apply().RequireSuccess(t)
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), first)
	requireNoPlaintext(t, w)
	requireNoWarnings(t, w.Plan("-detailed-exitcode").RequireSuccess(t))

	// Adding a recipient rotates: the plan says so, and each recipient can decrypt the new secret.
	w.WriteConfig(sealedClientConfig(first.Recipient().String(), second.Recipient().String()))
	plan := w.Plan()
	requireWarning(t, plan, "Applying this plan rotates the client secret", "secret_recipients changed", "client_secret_encrypted")
	e.Server.ClearRequests()
	w.Apply().RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotate]; n != 1 {
		t.Fatalf("adding a recipient made %d rotations, want 1", n)
	}
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), first)
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), second)

	// An SSH key works as a recipient too.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(sealedClientConfig(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))))
	w.Apply().RequireSuccess(t)
	sshIdentity, err := agessh.NewEd25519Identity(priv)
	if err != nil {
		t.Fatal(err)
	}
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), sshIdentity)
	requireNoPlaintext(t, w)

	// Turning encryption off rotates, so the secret the recipients hold stops working.
	sealedBefore := stateAttrs(t, w)["client_secret_encrypted"].(string)
	oldSecret, _ := sealedsecret.Open(sealedBefore, sshIdentity)
	w.WriteConfig(requiredFlexslot + webClientConfig("Sealed", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	clientID := attrs["client_id"].(string)
	if attrs["client_secret_encrypted"] != nil || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) ||
		e.Server.VerifySecret(clientID, oldSecret) {
		t.Fatalf("after turning encryption off: encrypted %v, new secret verifies %t, old secret verifies %t",
			attrs["client_secret_encrypted"] != nil, e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])),
			e.Server.VerifySecret(clientID, oldSecret))
	}
}

func TestAccOAuth2Client_secretRecipientValidation(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	w.WriteConfig(sealedClientConfig("age1notarecipient"))
	requireFailure(t, w.Plan(), "Invalid secret recipient", `"age1notarecipient"`)
	id, _ := age.GenerateX25519Identity()
	w.WriteConfig(requiredFlexslot + clientConfig("web", fmt.Sprintf(`
  application_name  = "CLI"
  client_type       = "public"
  redirect_uris     = ["http://127.0.0.1/cb"]
  allowed_scopes    = ["cards:read"]
  secret_recipients = [%q]
`, id.Recipient().String())))
	requireFailure(t, w.Plan(), "secret_recipients set on a public client", "nothing to rotate or encrypt")
	if n := len(e.Server.Requests()); n != 0 {
		t.Fatalf("invalid configurations reached the API %d times", n)
	}
}

func TestAccOAuth2Client_staleSecretInCI(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	config := func(extra string) string {
		return requiredFlexslot + webClientConfig("Stale", `["https://app.example.com/cb"]`, `["cards:read"]`, extra) + `
check "secret_current" {
  assert {
    condition     = flexslot_oauth2_client.web.secret_current
    error_message = "The client secret in state no longer works."
  }
}
`
	}
	w.WriteConfig(config(""))
	w.Apply().RequireSuccess(t)
	clientID := stateClientID(t, w)
	if stateAttrs(t, w)["secret_current"] != true {
		t.Fatalf("secret_current after create = %v, want true", stateAttrs(t, w)["secret_current"])
	}

	// Rotated in the dashboard: a refresh-only plan reports the drift, with or without rotate_when_stale.
	if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
		t.Fatal(err)
	}
	refresh := w.Plan("-refresh-only", "-detailed-exitcode")
	if refresh.ExitCode != 2 {
		t.Fatalf("plan -refresh-only -detailed-exitcode after a dashboard rotation: exit %d, want 2\n%s", refresh.ExitCode, refresh.Stdout)
	}
	requireWarning(t, refresh, "Client secret in state is stale", clientID, "rotate_when_stale")
	requireCheckWarning(t, refresh, "The client secret in state no longer works.")
	w.Apply("-refresh-only", "-auto-approve").RequireSuccess(t)
	if stateAttrs(t, w)["secret_current"] != false {
		t.Fatalf("secret_current after the refresh = %v, want false", stateAttrs(t, w)["secret_current"])
	}
	// Without rotate_when_stale, the plan proposes nothing: a dashboard rotation may be deliberate.
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan without rotate_when_stale: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}

	// With rotate_when_stale, the plan rotates (exit 2), and the apply puts a working secret in state.
	w.WriteConfig(config("  rotate_when_stale = true"))
	plan := w.Plan("-detailed-exitcode")
	if plan.ExitCode != 2 || plan.Changes()[webAddr] != "update" {
		t.Fatalf("plan with rotate_when_stale: exit %d, change %q, want 2 and update\n%s", plan.ExitCode, plan.Changes()[webAddr], plan.Stdout)
	}
	requireWarning(t, plan, "Applying this plan rotates the client secret", "rotate_when_stale")
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != clientID || attrs["secret_current"] != true || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("after the stale rotation: client %v, secret_current %v", attrs["client_id"], attrs["secret_current"])
	}
	if plan := w.Plan("-detailed-exitcode"); plan.ExitCode != 0 {
		t.Fatalf("plan after the stale rotation: exit %d, want 0\n%s", plan.ExitCode, plan.Stdout)
	}
}

// requireCheckWarning fails unless a check block's assertion failed with message.
func requireCheckWarning(t *testing.T, r *acctest.Result, message string) {
	t.Helper()
	for _, d := range r.Warnings() {
		if strings.Contains(d.Detail, message) {
			return
		}
	}
	t.Fatalf("no check warning %q in %v", message, r.Warnings())
}

func TestAccOAuth2Client_openTofuStateEncryption(t *testing.T) {
	t.Parallel()
	if !strings.Contains(filepath.Base(acctest.CLI(t)), "tofu") {
		t.Skip("state and plan encryption is an OpenTofu feature; Terraform users encrypt state in their backend")
	}
	e := newTestEmulator(t)
	w := newWarningWorkspace(t, e)
	const passphrase = "correct-horse-battery-staple-flexslot"
	w.WriteConfig(`terraform {
  required_providers {
    flexslot = { source = "flexslot/flexslot" }
  }
  encryption {
    key_provider "pbkdf2" "state" {
      passphrase = "` + passphrase + `"
    }
    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.state
    }
    state {
      method   = method.aes_gcm.state
      enforced = true
    }
    plan {
      method   = method.aes_gcm.state
      enforced = true
    }
  }
}
` + webClientConfig("Encrypted state", `["https://app.example.com/cb"]`, `["cards:read"]`, ""))
	w.Plan("-out=encrypted.tfplan").RequireSuccess(t)
	w.Run("apply", "-input=false", "-json", "encrypted.tfplan").RequireSuccess(t)
	attrs := stateAttrs(t, w)
	clientID := attrs["client_id"].(string)
	if !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("the secret in the encrypted state does not verify")
	}
	requireNoPlaintext(t, w, clientID)
}
