package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// The paths where a user's mistake or a lost answer could take another
// configuration's client, orphan one, or print a key.

// TestAccOAuth2Client_lostCreateNeverAdoptsAnotherConfigurationsClient:
// another configuration of the partner holds an identical client, and this
// create's answer is lost. Made before the request left, that client is never
// adopted, whether the create was carried out or not. Made while the answer
// was in transit, as by another run at the same time, it cannot be told from
// this create's own: the apply fails naming both, adopts and rotates neither,
// and the way out it gives, followed literally, ends with this configuration
// holding its own client and a working secret, and the other's secret
// untouched.
func TestAccOAuth2Client_lostCreateNeverAdoptsAnotherConfigurationsClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fault   string
		during  bool // the other client is made while the create's answer is in transit
		adopted bool // this create's client was adopted rather than sent again
	}{
		{"made before, create carried out", emulator.FaultDropAfterCommit, false, true},
		{"made before, create not carried out", emulator.FaultHTMLError, false, false},
		{"made while the answer was in transit", emulator.FaultDropAfterCommit, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := &skewedClock{}
			var e *testEmulator
			others := make(chan string, 1)
			makeOthers := func() {
				made := -time.Minute // long before the request left
				if tc.during {
					made = 0 // after the request left
				}
				others <- e.createAt(t, clock, made, "Twin")
			}
			opts := emulator.Options{Now: clock.now}
			if tc.during {
				opts.AfterRequest = func(r emulator.RequestRecord) {
					if r.Operation == emulator.OperationCreate && r.Fault == emulator.FaultDropAfterCommit {
						makeOthers()
					}
				}
			}
			e = newTestEmulatorWith(t, opts)
			if !tc.during {
				makeOthers()
			}
			w := newCLIWorkspace(t, e)
			w.WriteConfig(cliConfig(webClient("Twin", appCallback, cardsRead)))
			e.Server.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 1, Kind: tc.fault})
			e.Server.ClearRequests()
			apply := w.Apply()
			othersID := <-others
			othersSecret, err := e.Server.RotateAsDashboard(testTokenA, othersID)
			if err != nil {
				t.Fatal(err)
			}
			live := e.Server.Clients(testTokenA)
			if len(live) != 2 {
				t.Fatalf("the partner holds %d clients, want 2", len(live))
			}
			own := live[0].ClientID
			if own == othersID {
				own = live[1].ClientID
			}
			if n := e.requestCounts()[emulator.OperationRotate]; n > 1 || n == 1 && !tc.adopted {
				t.Fatalf("%d rotations", n)
			}

			if !tc.during {
				apply.RequireSuccess(t)
				got := stateClients(t, w)[webAddr]
				if got[0] != own || !e.Server.VerifySecret(got[0], got[1]) {
					t.Fatalf("state holds %v, want %s with a working secret", got, own)
				}
				if n := e.requestCounts()[emulator.OperationCreate]; (n == 1) != tc.adopted {
					t.Errorf("%d creates sent", n)
				}
				return
			}

			requireFailure(t, apply, "Cannot tell which OAuth2 client this create made", own, othersID, "none was adopted",
				fmt.Sprintf("id = %q", own), fmt.Sprintf("id = %q", othersID))
			if got, ok := stateClients(t, w)[webAddr]; ok {
				t.Fatalf("state holds %v, want nothing", got)
			}
			// The way out: import the client no other configuration holds, with
			// rotate_when_stale to give it a secret.
			w.WriteConfig(cliConfig(tfconfig.Import(webAddr, own), webClient("Twin", appCallback, cardsRead).Set("rotate_when_stale", true)))
			w.Apply().RequireSuccess(t)
			got := stateClients(t, w)[webAddr]
			if got[0] != own || !e.Server.VerifySecret(got[0], got[1]) || !e.Server.VerifySecret(othersID, othersSecret) {
				t.Fatalf("after the import, state holds %v; want %s with a working secret, and %s untouched", got, own, othersID)
			}
			if n := len(e.Server.Clients(testTokenA)); n != 2 {
				t.Fatalf("the partner holds %d clients, want 2", n)
			}
		})
	}
}

// TestAccOAuth2Client_wrongPartnersToken: with another partner's token, no
// managed client is in the list. The refresh is refused, naming the token by
// its prefix, state keeps every client, and nothing is created in the wrong
// partner. A client revoked while the configuration's other client is still
// listed is gone, unless it is protected.
func TestAccOAuth2Client_wrongPartnersToken(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(protected bool) string {
		kept := oauth2Client("kept", "confidential", "Kept", appCallback, cardsRead)
		if protected {
			kept.Set("deletion_protection", true)
		}
		return cliConfig(kept, webClient("Other", []string{"https://other.example.com/cb"}, cardsRead))
	}
	w.WriteConfig(config(true))
	w.Apply().RequireSuccess(t)
	before := stateClients(t, w)

	w.SetEnv("FLEXSLOT_PAT", testTokenB)
	for _, args := range [][]string{nil, {"-refresh-only"}} {
		plan := w.Plan(args...)
		requireFailure(t, plan, "OAuth2 client is not in the partner's list", "flx_pat_", `belongs to the partner "`, "another partner", "nothing was changed")
		for _, d := range plan.Diagnostics() {
			if strings.Contains(d.Detail, testTokenB) || strings.Contains(d.Detail, testTokenA) {
				t.Fatalf("a message shows the token: %s", d.Detail)
			}
		}
	}
	requireFailure(t, w.Apply(), "OAuth2 client is not in the partner's list")
	if got := stateClients(t, w); !mapsEqual(got, before) {
		t.Fatalf("state changed: %v, want %v", got, before)
	}
	if n := len(e.Server.Clients(testTokenB)); n != 0 {
		t.Fatalf("%d clients were created in the wrong partner", n)
	}

	// The right token again: the protected client revoked in the dashboard is
	// not dropped on its absence, though the other client is listed.
	w.SetEnv("FLEXSLOT_PAT", testTokenA)
	const keptAddr, otherAddr = "flexslot_oauth2_client.kept", "flexslot_oauth2_client.web"
	kept := before[keptAddr][0]
	if err := e.Server.RevokeAsDashboard(testTokenA, kept); err != nil {
		t.Fatal(err)
	}
	requireFailure(t, w.Plan(), "OAuth2 client is not in the partner's list", kept, "deletion_protection is true", "state rm")
	// The way out, followed literally.
	w.Run("state", "rm", keptAddr).RequireSuccess(t)
	w.Apply().RequireSuccess(t)

	// Unprotected and revoked while the configuration's other client is
	// listed: gone, and the plan creates it again.
	other := before[otherAddr][0]
	if err := e.Server.RevokeAsDashboard(testTokenA, other); err != nil {
		t.Fatal(err)
	}
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "OAuth2 client no longer exists", other)
	if got := plan.Changes()[otherAddr]; got != "create" {
		t.Fatalf("planned action for the revoked client = %q, want create", got)
	}
}

// TestAccOAuth2Client_privateKeyNeverPrinted: an identity pasted where a
// recipient belongs, from a sensitive variable or literally, is refused at
// validate without appearing in any output; so is a private key in any other
// validated attribute.
func TestAccOAuth2Client_privateKeyNeverPrinted(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	identity, _ := age.GenerateX25519Identity()
	keyVariable := func() *tfconfig.Block { return tfconfig.New("variable", "key").Set("type", tfconfig.Expr("string")) }
	keyClient := func() *tfconfig.Block {
		return oauth2Client("web", "confidential", "Key", appCallback, cardsRead).Set("secret_recipients", tfconfig.Expr("[var.key]"))
	}
	const opensshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDSecretKeyMaterialSecretKeyMaterial00000000AAAA\n-----END OPENSSH PRIVATE KEY-----\n"
	for name, tc := range map[string]struct {
		config, key, summary, advice string
		literal                      bool // the key is in the configuration, not a variable
	}{
		"age identity from a sensitive variable": {
			cliConfig(tfconfig.New("variable", "key").Set("type", tfconfig.Expr("string")).Set("sensitive", true), keyClient()),
			identity.String(), "Invalid secret recipient", "age-keygen -y", false,
		},
		"OpenSSH private key block": {
			cliConfig(keyClient(), keyVariable()),
			opensshKey, "Invalid secret recipient", ".pub file", false,
		},
		"age identity as an application name": {
			cliConfig(keyVariable(), webClient("", appCallback, cardsRead).
				Set("application_name", tfconfig.Expr(`"${var.key}${var.key}${var.key}${var.key}${var.key}${var.key}"`))),
			identity.String(), "Invalid application name", "age identity, not shown here", false,
		},
		"age identity written in the configuration": {
			cliConfig(keyClient().Set("secret_recipients", []string{identity.String()}), keyVariable()),
			identity.String(), "Invalid secret recipient", "age-keygen -y", true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			w.WriteConfig(tc.config)
			w.SetEnv("TF_VAR_key", tc.key)
			validate := w.Run("validate", "-no-color")
			requireNoKeyMaterial(t, validate, tc.key)
			if tc.literal && validate.ExitCode == 0 {
				t.Fatal("validate accepted a private key written in the configuration")
			}
			for _, r := range []*acctest.Result{w.Plan(), w.Run("plan", "-no-color", "-input=false")} {
				if r.ExitCode == 0 {
					t.Fatalf("%v succeeded", r.Args)
				}
				requireNoKeyMaterial(t, r, tc.key)
			}
			requireFailure(t, w.Plan(), tc.summary, "not shown here", tc.advice)
		})
	}
	if counts := e.requestCounts(); counts[emulator.OperationCreate]+counts[emulator.OperationRotate] != 0 {
		t.Fatalf("invalid configurations wrote to the API: %v", counts)
	}
}

// TestAccOAuth2Client_lostSecretIsNoDeadEnd: a lost create is recovered, but
// the rotation that would give the client a secret fails. The client is kept
// in state, untainted even when protected, with no secret and the reason; the
// next plan rotates it, with or without a refresh, and the apply after that
// leaves a working secret.
func TestAccOAuth2Client_lostSecretIsNoDeadEnd(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Lost", appCallback, cardsRead).Set("deletion_protection", true)))
	e.Server.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath, Times: 1, Kind: emulator.FaultDropAfterCommit})
	e.Server.AddFault(emulator.Fault{Method: "POST", PathPrefix: emulator.BasePath + "/", Kind: emulator.FaultStatus, Status: 500})
	apply := w.Apply().RequireSuccess(t)
	requireWarning(t, apply, "OAuth2 client created without a secret in state", "exists and is in state, without a secret",
		"the next plan rotates it")
	state := w.State(t).Values.RootModule.Resources[0]
	clientID, _ := state.AttributeValues["client_id"].(string)
	if state.Tainted || !e.clientListed(clientID) || state.AttributeValues["client_secret"] != nil ||
		state.AttributeValues["secret_current"] != false {
		t.Fatalf("state after the lost secret: tainted %t, client %q listed %t, secret %v, secret_current %v", state.Tainted,
			clientID, e.clientListed(clientID), state.AttributeValues["client_secret"] != nil, state.AttributeValues["secret_current"])
	}

	e.Server.ClearFaults()
	for _, args := range [][]string{nil, {"-refresh=false"}} {
		plan := w.Plan(args...).RequireSuccess(t)
		requireWarning(t, plan, "Applying this plan rotates the client secret", clientID, "could not obtain its secret")
		if got := plan.Changes()[webAddr]; got != "update" {
			t.Fatalf("plan %v after the lost secret: %q, want update", args, got)
		}
	}
	w.Apply().RequireSuccess(t)
	attrs := stateAttrs(t, w)
	if attrs["client_id"] != clientID || !e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])) {
		t.Fatalf("after the rotation: client %v, secret verifies %t", attrs["client_id"],
			e.Server.VerifySecret(clientID, fmt.Sprint(attrs["client_secret"])))
	}
	if r := w.Plan("-detailed-exitcode"); r.ExitCode != 0 {
		t.Fatalf("plan after the rotation exits %d, want 0", r.ExitCode)
	}
	if n := len(e.Server.Clients(testTokenA)); n != 1 {
		t.Fatalf("the partner holds %d clients, want 1", n)
	}
}

// TestAccOAuth2Client_noLookalikeWarningForOwnClients: count = 1 becomes 2
// with identical settings; the plan does not offer to import the first
// client into the second, with or without a refresh.
func TestAccOAuth2Client_noLookalikeWarningForOwnClients(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	config := func(count int) string {
		return cliConfig(oauth2Client("a", "confidential", "Same", appCallback, cardsRead).Set("count", count))
	}
	w.WriteConfig(config(1))
	w.Apply().RequireSuccess(t)
	w.WriteConfig(config(2))
	for _, args := range [][]string{nil, {"-refresh=false"}} {
		plan := w.Plan(args...).RequireSuccess(t)
		for _, d := range plan.Warnings() {
			if d.Summary == "A matching OAuth2 client already exists" {
				t.Fatalf("plan %v offers this configuration's own client: %s", args, d.Detail)
			}
		}
		if got := plan.Changes()[`flexslot_oauth2_client.a[1]`]; got != "create" {
			t.Fatalf("plan %v: a[1] %q, want create", args, got)
		}
	}
	// A client no state here holds still gets the warning.
	other, _, err := e.Server.CreateAsDashboard(testTokenA, "Same", "confidential", appCallback, cardsRead)
	if err != nil {
		t.Fatal(err)
	}
	requireWarning(t, w.Plan().RequireSuccess(t), "A matching OAuth2 client already exists", other.ClientID)
}

// TestAccOAuth2Client_recipientSpellings: a recipient read with file() keeps
// its newline and is accepted; a change of an SSH key's comment alone, or of
// the white space around a recipient, is the same key and does not rotate.
// The stale-secret warning of an encrypted client names the attribute that
// holds its secret.
func TestAccOAuth2Client_recipientSpellings(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	id, _ := age.GenerateX25519Identity()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	sshKey := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
	if err := os.WriteFile(filepath.Join(w.Dir, "recipient.txt"), []byte(id.Recipient().String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := func(sshComment string) string {
		return cliConfig(webClient("Spelled", appCallback, cardsRead).
			Set("secret_recipients", tfconfig.Expr(`[file("recipient.txt"), `+string(tfconfig.Quote(sshKey+sshComment))+`]`)))
	}
	w.WriteConfig(config(" alice@laptop"))
	w.Apply().RequireSuccess(t)
	e.requireSealedSecretVerifies(t, stateAttrs(t, w), id)
	sealed := stateAttrs(t, w)["client_secret_encrypted"]

	e.Server.ClearRequests()
	w.WriteConfig(config(" alice@desktop"))
	plan := w.Plan().RequireSuccess(t)
	for _, d := range plan.Warnings() {
		if d.Summary == "Applying this plan rotates the client secret" {
			t.Fatalf("a new SSH key comment plans a rotation: %s", d.Detail)
		}
	}
	w.Apply().RequireSuccess(t)
	if n := e.requestCounts()[emulator.OperationRotate]; n != 0 || stateAttrs(t, w)["client_secret_encrypted"] != sealed {
		t.Fatalf("a new SSH key comment made %d rotations", n)
	}

	clientID := stateClientID(t, w)
	if _, err := e.Server.RotateAsDashboard(testTokenA, clientID); err != nil {
		t.Fatal(err)
	}
	requireWarning(t, w.Plan().RequireSuccess(t), "Client secret in state is stale", "the client_secret_encrypted in state no longer works")
}
