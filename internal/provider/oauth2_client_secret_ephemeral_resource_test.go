package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
	"github.com/flexslot/terraform-provider-flexslot/internal/testconsumer"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

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
		secret, diags := openSealedSecret(clientSecretSource, types.StringValue(sealed), types.StringValue(identity))
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
		secret, diags := openSealedSecret(clientSecretSource, tc.ciphertext, types.StringValue(tc.identity))
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

// chain is one test of the whole delivery chain: Flexslot → client_secret_encrypted
// → flexslot_oauth2_client_secret → consumer_secret.secret_wo and a local-exec
// provisioner, through the real CLI.
type chain struct {
	t        *testing.T
	e        *testEmulator
	store    *testconsumer.Store
	identity *age.X25519Identity
	workDirs string // every working directory, state, backup and plan file of the test
	outFile  string // where the provisioner writes the secret, outside the working directories
	held     []string
}

const (
	chainClientAddr   = "flexslot_oauth2_client.web"
	chainConsumerAddr = "consumer_secret.web"
	chainDeployAddr   = "terraform_data.deploy"
)

func (c *chain) config(trigger string) string {
	return fmt.Sprintf(`
variable "identity" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "flexslot_oauth2_client" "web" {
  application_name  = "Chain"
  client_type       = "confidential"
  redirect_uris     = ["https://app.example.com/cb"]
  allowed_scopes    = ["cards:read"]
  secret_recipients = [%s]
  rotation_triggers = { n = %s }
  rotate_when_stale = true
  rotation_period   = "90d"
}

ephemeral "flexslot_oauth2_client_secret" "web" {
  client_secret_encrypted = flexslot_oauth2_client.web.client_secret_encrypted
  identity                = var.identity
}

resource "consumer_secret" "web" {
  name              = "web"
  client_id         = flexslot_oauth2_client.web.client_id
  secret_wo         = ephemeral.flexslot_oauth2_client_secret.web.client_secret
  secret_wo_version = flexslot_oauth2_client.web.secret_version
}

resource "terraform_data" "deploy" {
  triggers_replace = [flexslot_oauth2_client.web.secret_version]

  provisioner "local-exec" {
    command = "printf '%%s' \"$CLIENT_SECRET\" > \"$OUT\""
    environment = {
      CLIENT_SECRET = ephemeral.flexslot_oauth2_client_secret.web.client_secret
      OUT           = %s
    }
  }
}
`, tfconfig.Quote(c.identity.Recipient().String()), tfconfig.Quote(trigger), tfconfig.Quote(c.outFile))
}

// delivered checks that both consumers hold a secret Flexslot accepts, that it
// is new, that every secret they held before is refused, and that
// secret_version is want.
func (c *chain) delivered(wantVersion int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[chainClientAddr].Primary.Attributes
		clientID := attrs["client_id"]
		if attrs["secret_version"] != fmt.Sprint(wantVersion) {
			return fmt.Errorf("secret_version = %s, want %d", attrs["secret_version"], wantVersion)
		}
		stored, ok := c.store.Get("web")
		if !ok || !c.e.Server.VerifySecret(clientID, stored) {
			return fmt.Errorf("the consumer does not hold a secret Flexslot accepts (held: %t)", ok)
		}
		written, err := os.ReadFile(c.outFile)
		if err != nil || string(written) != stored {
			return fmt.Errorf("the provisioner wrote a different secret than the consumer holds (%v)", err)
		}
		for i, old := range c.held {
			if old == stored {
				return fmt.Errorf("the consumer still holds secret %d, delivered before", i+1)
			}
			if c.e.Server.VerifySecret(clientID, old) {
				return fmt.Errorf("Flexslot still accepts secret %d, delivered before", i+1)
			}
		}
		c.held = append(c.held, stored)
		return nil
	}
}

// heldSecret adds a secret made outside the chain to those that must be refused.
func (c *chain) heldSecret(secret string) { c.held = append(c.held, secret) }

// noPlaintext scans every file of every working directory for a client secret
// and for the identity.
func (c *chain) noPlaintext() error {
	var found []string
	files := 0
	err := filepath.WalkDir(c.workDirs, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range []string{emulator.SecretPrefix, c.identity.String(), "AGE-SECRET-KEY-1"} {
			if strings.Contains(string(b), s) {
				found = append(found, fmt.Sprintf("%s holds %.12q...", path, s))
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case len(found) > 0:
		return fmt.Errorf("plaintext found: %s", strings.Join(found, "; "))
	case files == 0:
		return fmt.Errorf("no files under %s: the scan looked in the wrong place", c.workDirs)
	}
	return nil
}

// scanCheck scans the working directories when a plan has been saved there.
type scanCheck struct{ c *chain }

func (s scanCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = s.c.noPlaintext()
}

func (c *chain) step(trigger string, wantVersion int, preConfig func()) resource.TestStep {
	rotates := wantVersion > 1
	pre := []plancheck.PlanCheck{scanCheck{c}}
	if rotates {
		pre = append(pre,
			plancheck.ExpectResourceAction(chainClientAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction(chainConsumerAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction(chainDeployAddr, plancheck.ResourceActionReplace),
			plancheck.ExpectKnownValue(chainClientAddr, tfjsonpath.New("secret_version"), knownvalue.Int64Exact(int64(wantVersion))),
		)
	}
	return resource.TestStep{
		PreConfig: preConfig,
		Config:    c.config(trigger),
		Check:     c.delivered(wantVersion),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: pre,
			// The plan after the apply opens the ephemeral resource with a
			// known ciphertext, and saves a plan file too.
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), scanCheck{c}},
		},
	}
}

func TestAccOAuth2ClientSecretEphemeral_deliveryChain(t *testing.T) {
	// t.Setenv: the identity reaches the CLI only through its environment, as
	// on a real runner, and the working directories go where the scan looks.
	identity, _ := age.GenerateX25519Identity()
	c := &chain{t: t, store: testconsumer.NewStore(), identity: identity, workDirs: t.TempDir(), outFile: filepath.Join(t.TempDir(), "client_secret")}
	t.Setenv("TF_ACC_TEMP_DIR", c.workDirs)
	t.Setenv("TF_VAR_identity", identity.String())
	c.e = newTestEmulator(t)
	clientID := func() string {
		clients := c.e.Server.Clients(testTokenA)
		if len(clients) != 1 {
			t.Fatalf("%d clients at the emulator, want 1", len(clients))
		}
		return clients[0].ClientID
	}
	factories := c.e.factories()
	factories["consumer"] = providerserver.NewProtocol6WithError(testconsumer.New(c.e.URL, c.store)())

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			// Write-only arguments: Terraform 1.11, OpenTofu 1.11.
			tfversion.SkipBelow(tfversion.Version1_11_0),
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             c.e.checkNoClientsLeft,
		Steps: []resource.TestStep{
			c.step("1", 1, nil),
			// Rotation by rotation_triggers.
			c.step("2", 2, nil),
			// Rotation by rotate_when_stale, after a rotation in the dashboard.
			c.step("2", 3, func() {
				secret, err := c.e.Server.RotateAsDashboard(testTokenA, clientID())
				if err != nil {
					t.Fatal(err)
				}
				c.heldSecret(secret)
			}),
			// Rotation by rotation_period, after the secret aged 100 days.
			c.step("2", 4, func() {
				if _, err := c.e.Server.Backdate(clientID(), time.Now().Add(-100*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}),
			{
				Config: c.config("2"),
				Check: func(*terraform.State) error {
					return c.noPlaintext()
				},
			},
		},
	})
}
