package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"golang.org/x/crypto/ssh"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

// sshPrivateKey returns an OpenSSH ed25519 key pair, the private key
// protected by passphrase unless it is empty.
func sshPrivateKey(t *testing.T, passphrase string) (recipient, private string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block))
}

func TestOpenSealedSecret(t *testing.T) {
	t.Parallel()
	mine, _ := age.GenerateX25519Identity()
	stranger, _ := age.GenerateX25519Identity()
	sshRecipient, sshKey := sshPrivateKey(t, "")
	_, protectedKey := sshPrivateKey(t, "correct horse")
	sealed, err := sealedsecret.Seal("flx_cs_plaintext", []string{mine.Recipient().String(), sshRecipient})
	if err != nil {
		t.Fatal(err)
	}

	for name, identity := range map[string]string{
		"age identity":        mine.String(),
		"age key file":        "# created: 2026-12-03\n# public key: " + mine.Recipient().String() + "\n" + stranger.String() + "\n" + mine.String() + "\n",
		"OpenSSH ed25519 key": sshKey,
	} {
		secret, diags := openSealedSecret(types.StringValue(sealed), types.StringValue(identity))
		if diags.HasError() || secret != "flx_cs_plaintext" {
			t.Errorf("%s: secret %q, diagnostics %v", name, secret, diags)
		}
	}

	for name, tc := range map[string]struct {
		ciphertext types.String
		identity   string
		attribute  string
		summary    string
		detail     string
	}{
		"null ciphertext":      {types.StringNull(), mine.String(), "client_secret_encrypted", "No encrypted client secret to decrypt", "Set secret_recipients"},
		"garbage ciphertext":   {types.StringValue("flx_cs_plaintext"), mine.String(), "client_secret_encrypted", "client_secret_encrypted is not age ciphertext", "-----BEGIN AGE ENCRYPTED FILE-----"},
		"damaged ciphertext":   {types.StringValue(sealed[:len(sealed)/2]), mine.String(), "client_secret_encrypted", "client_secret_encrypted is not age ciphertext", "damaged"},
		"wrong identity":       {types.StringValue(sealed), stranger.String(), "identity", "The identity cannot decrypt client_secret_encrypted", "encrypted to 1 X25519 recipient and 1 ssh-ed25519 recipient, and the identities tried were 1 X25519 identity"},
		"passphrase-protected": {types.StringValue(sealed), protectedKey, "identity", "Invalid identity", "passphrase-protected SSH private key"},
		"not an identity":      {types.StringValue(sealed), mine.Recipient().String(), "identity", "Invalid identity", "has, on line 1, something that is neither an age identity"},
	} {
		secret, diags := openSealedSecret(tc.ciphertext, types.StringValue(tc.identity))
		if secret != "" || len(diags) != 1 {
			t.Errorf("%s: secret %q, diagnostics %v, want one error", name, secret, diags)
			continue
		}
		d, ok := diags[0].(diag.DiagnosticWithPath)
		if !ok || !d.Path().Equal(pathOf(tc.attribute)) || d.Summary() != tc.summary || !strings.Contains(d.Detail(), tc.detail) {
			t.Errorf("%s: %v, want an error on %s %q saying %q", name, diags[0], tc.attribute, tc.summary, tc.detail)
		}
		for _, leak := range append(strings.Split(tc.identity, "\n"), "flx_cs_plaintext") {
			if len(leak) > 16 && strings.Contains(d.Detail()+d.Summary(), leak) {
				t.Errorf("%s: the error quotes %q", name, leak)
			}
		}
	}
}

func TestAccOAuth2ClientSecretEphemeral_errors(t *testing.T) {
	t.Parallel()
	acctest.VersionChecks(t, tfversion.SkipBelow(tfversion.Version1_10_0))
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)

	mine, _ := age.GenerateX25519Identity()
	stranger, _ := age.GenerateX25519Identity()
	_, protectedKey := sshPrivateKey(t, "correct horse")
	sealed, err := sealedsecret.Seal("flx_cs_plaintext", []string{mine.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(requiredFlexslot + `
variable "identity" {
  type      = string
  ephemeral = true
  sensitive = true
}

variable "ciphertext" {
  type    = string
  default = null
}

ephemeral "flexslot_oauth2_client_secret" "web" {
  client_secret_encrypted = var.ciphertext
  identity                = var.identity
}
`)
	w.Init()
	for name, tc := range map[string]struct {
		ciphertext, identity string
		summary              string
		detail               []string
	}{
		"wrong identity":       {sealed, stranger.String(), "The identity cannot decrypt client_secret_encrypted", []string{"1 X25519 recipient", "1 X25519 identity"}},
		"passphrase-protected": {sealed, protectedKey, "Invalid identity", []string{"passphrase-protected SSH private key"}},
		"garbage ciphertext":   {"flx_cs_plaintext", mine.String(), "client_secret_encrypted is not age ciphertext", []string{"-----BEGIN AGE ENCRYPTED FILE-----"}},
		"null ciphertext":      {"", mine.String(), "No encrypted client secret to decrypt", []string{"Set secret_recipients"}},
	} {
		w.SetEnv("TF_VAR_identity", tc.identity)
		var args []string
		if tc.ciphertext != "" {
			args = append(args, "-var=ciphertext="+tc.ciphertext)
		}
		r := w.Plan(args...)
		t.Run(name, func(t *testing.T) {
			requireFailure(t, r, tc.summary, tc.detail...)
			for _, leak := range append(strings.Split(tc.identity, "\n"), "flx_cs_plaintext") {
				if len(leak) > 16 && strings.Contains(r.Stdout+r.Stderr, leak) {
					t.Errorf("the output quotes %q", leak)
				}
			}
		})
	}
}

func pathOf(attribute string) path.Path { return path.Root(attribute) }
