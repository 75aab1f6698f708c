package provider

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

func TestAccPartnerDataSource(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	premium, suspended := emulator.RateLimitPremium, rules.StatusSuspended
	if _, err := e.Server.SetPartner(emulator.PartnerUpdate{Token: testTokenA, RateLimitTier: &premium, Status: &suspended,
		Scopes: []string{"cards:read", "decks:read-all"}, GameScopes: []string{"mtg", "lorcana"}}); err != nil {
		t.Fatal(err)
	}
	want, err := e.Server.PartnerRow(testTokenA)
	if err != nil {
		t.Fatal(err)
	}
	const addr = "data.flexslot_partner.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: tfconfig.Data("flexslot_partner", "this").String(),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "id", want.ID),
				resource.TestCheckResourceAttr(addr, "slug", want.Slug),
				resource.TestCheckResourceAttr(addr, "name", want.Name),
				resource.TestCheckResourceAttr(addr, "contact_email", want.ContactEmail),
				resource.TestCheckResourceAttr(addr, "website_url", want.WebsiteURL),
				resource.TestCheckResourceAttr(addr, "api_key_prefix", want.APIKeyPrefix),
				resource.TestCheckResourceAttr(addr, "rate_limit_tier", "premium"),
				resource.TestCheckResourceAttr(addr, "status", "suspended"),
				resource.TestCheckResourceAttr(addr, "scopes.#", "2"),
				resource.TestCheckResourceAttr(addr, "scopes.1", "decks:read-all"),
				resource.TestCheckResourceAttr(addr, "game_scopes.#", "2"),
				resource.TestCheckResourceAttr(addr, "game_scopes.0", "mtg"),
				resource.TestCheckResourceAttr(addr, "allowed_origins.#", "0"),
				resource.TestCheckNoResourceAttr(addr, "secret_rotated_at"),
				resource.TestCheckNoResourceAttr(addr, "last_used_at"),
				resource.TestCheckResourceAttr(addr, "created_at", want.CreatedAt.UTC().Format(time.RFC3339Nano)),
				resource.TestCheckResourceAttr(addr, "updated_at", want.UpdatedAt.UTC().Format(time.RFC3339Nano)),
				// Partner B's row is another.
				func(*terraform.State) error {
					b, _ := e.Server.PartnerRow(testTokenB)
					if b.ID == want.ID {
						return fmt.Errorf("partners A and B share the id %s", b.ID)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccOAuth2Client_scopesCheckedAgainstThePartner(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)

	// Neither in the catalog nor held by the partner: an error at plan naming
	// the scope, the catalog and the partner's scopes; nothing is written.
	w.WriteConfig(cliConfig(webClient("Scopes", []string{"https://app.example.com/cb"}, []string{"cards:read", "billing:admin"})))
	r := w.Plan()
	requireFailure(t, r, "Scope not available to this partner", `"billing:admin"`, strings.Join(rules.ScopeCatalog(), ", "),
		"holds ("+strings.Join(rules.ScopeCatalog(), ", ")+")")
	if got := e.requestCounts(); got[emulator.OperationCreate] != 0 {
		t.Fatalf("a refused plan wrote: %v", got)
	}

	// Held by the partner but not in the catalog: a warning, and Flexslot accepts it.
	if err := e.Server.GrantScope(testTokenA, "billing:admin"); err != nil {
		t.Fatal(err)
	}
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Scope outside Flexslot's published catalog", `"billing:admin"`, "your partner holds it")
	w.Apply().RequireSuccess(t)

	// A change of allowed_scopes is checked the same way.
	w.WriteConfig(cliConfig(webClient("Scopes", []string{"https://app.example.com/cb"}, []string{"cards:read", "billing:admin", "decks:read-all"})))
	requireFailure(t, w.Plan(), "Scope not available to this partner", `"decks:read-all"`, "billing:admin")

	// When the partner row cannot be read, the plan warns as it always did.
	// (The fault's path prefix covers the list too, so this plan only creates.)
	w2 := newCLIWorkspace(t, e)
	w2.WriteConfig(cliConfig(webClient("Unread", []string{"https://app.example.com/cb"}, []string{"cards:read", "decks:read-all"})))
	e.Server.AddFault(emulator.Fault{Method: "GET", PathPrefix: emulator.PartnerPath, Kind: emulator.FaultStatus, Status: 503, RetryAfter: 3600})
	plan = w2.Plan().RequireSuccess(t)
	requireWarning(t, plan, "Could not read the partner row", "1h0m0s")
	requireWarning(t, plan, "Scope outside Flexslot's published catalog", `"decks:read-all"`, "lets Flexslot decide")
	e.Server.ClearFaults()
}

func TestAccOAuth2Client_partnerNotActive(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Existing", appCallback, cardsRead)))
	w.Apply().RequireSuccess(t)

	suspended := rules.StatusSuspended
	if _, err := e.Server.SetPartner(emulator.PartnerUpdate{Token: testTokenA, Status: &suspended}); err != nil {
		t.Fatal(err)
	}
	// The existing client plans without change; a new one fails at plan, naming the status.
	requireNoWarnings(t, w.Plan().RequireSuccess(t))
	w.WriteConfig(cliConfig(webClient("Existing", appCallback, cardsRead), oauth2Client("second", "public", "Second", []string{"http://127.0.0.1/cb"}, cardsRead)))
	e.Server.ClearRequests()
	requireFailure(t, w.Plan(), "The partner is not active", "suspended")
	if got := e.requestCounts(); got[emulator.OperationCreate] != 0 {
		t.Fatalf("a refused plan wrote: %v", got)
	}
	active := rules.StatusActive
	if _, err := e.Server.SetPartner(emulator.PartnerUpdate{Token: testTokenA, Status: &active}); err != nil {
		t.Fatal(err)
	}
	w.Apply().RequireSuccess(t)
}

// A no-change plan sends one list and nothing else; a plan that creates adds
// one read of the partner row and one of the token's metadata per process,
// however many clients it creates.
func TestAccOAuth2Client_planRequestsByOperation(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	// Three public clients named prefix and their index.
	many := func(prefix string) *tfconfig.Block {
		return oauth2Client("many", "public", "", []string{"http://127.0.0.1/cb"}, cardsRead).
			Set("count", 3).Set("application_name", tfconfig.Expr(`"`+prefix+` ${count.index}"`))
	}
	w.WriteConfig(cliConfig(many("Client"), tfconfig.Data("flexslot_partner", "this")))
	plan := w.Plan().RequireSuccess(t)
	requireNoWarnings(t, plan)
	want := map[string]int{emulator.OperationList: 1, emulator.OperationPartner: 1, emulator.OperationAccessToken: 1}
	if got := e.requestCounts(); !sameCounts(got, want) {
		t.Fatalf("a plan of 3 creates and the partner data source sent %v, want %v", got, want)
	}
	w.WriteConfig(cliConfig(many("Client")))
	w.Apply().RequireSuccess(t)
	e.Server.ClearRequests()
	noChange := w.Plan("-detailed-exitcode")
	if noChange.ExitCode != 0 {
		t.Fatalf("no-change plan: exit %d\n%s", noChange.ExitCode, noChange.Stdout)
	}
	if got := e.requestCounts(); !sameCounts(got, map[string]int{emulator.OperationList: 1}) {
		t.Fatalf("a no-change plan sent %v, want one list", got)
	}
	// A rename changes something: the token is checked, the partner row is not needed.
	w.WriteConfig(cliConfig(many("Renamed")))
	e.Server.ClearRequests()
	w.Plan().RequireSuccess(t)
	if got := e.requestCounts(); !sameCounts(got, map[string]int{emulator.OperationList: 1, emulator.OperationAccessToken: 1}) {
		t.Fatalf("a plan of 3 renames sent %v, want one list and one token read", got)
	}
}

func TestAccProvider_personalAccessToken(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	create := cliConfig(webClient("Token", appCallback, cardsRead))
	w.WriteConfig(create)

	// Expiring within 14 days: a plan that creates warns, naming the token by name and prefix.
	expires := time.Now().Add(3*24*time.Hour + time.Hour).UTC().Truncate(time.Second)
	if _, err := e.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: testTokenA, ExpiresAt: []byte(strconv.Quote(expires.Format(time.RFC3339)))}); err != nil {
		t.Fatal(err)
	}
	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "The Personal Access Token expires soon", `"Emulator token 1" (flx_pat_acc_…)`, "expires in 3 days",
		expires.Format(time.RFC3339))
	w.Apply().RequireSuccess(t)
	// A no-change plan does not read the token: no warning, no request beyond the list.
	e.Server.ClearRequests()
	requireNoWarnings(t, w.Plan().RequireSuccess(t))
	if got := e.requestCounts(); !sameCounts(got, map[string]int{emulator.OperationList: 1}) {
		t.Fatalf("a no-change plan sent %v", got)
	}
	// Expiring in 30 days: no warning.
	later := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	if _, err := e.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: testTokenA, ExpiresAt: []byte(strconv.Quote(later))}); err != nil {
		t.Fatal(err)
	}
	w.WriteConfig(strings.Replace(create, `"Token"`, `"Token renamed"`, 1))
	requireNoWarnings(t, w.Plan().RequireSuccess(t))

	// Revoked: the refusal names the token by its name and prefix, says why, and never shows it.
	revoked := true
	if _, err := e.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: testTokenA, Revoked: &revoked}); err != nil {
		t.Fatal(err)
	}
	readFailed := "Failed to read the OAuth2 client " + stateClientID(t, w)
	r := w.Plan()
	requireFailure(t, r, readFailed, `"Emulator token 1" (flx_pat_acc_…)`, "it was revoked at")
	if strings.Contains(r.Stdout+r.Stderr, testTokenA) {
		t.Fatal("the token appears in the output")
	}

	// An unknown token has no readable metadata: its prefix names it.
	const unknown = "flx_pat_typo0123456789abcdef"
	w.SetEnv("FLEXSLOT_PAT", unknown)
	r = w.Plan()
	requireFailure(t, r, readFailed, "the token starting flx_pat_typo…")
	if strings.Contains(r.Stdout+r.Stderr, unknown) {
		t.Fatal("the token appears in the output")
	}

	// A token without the flx_pat_ prefix warns at configure.
	const apiKey = "flx_pk_0123456789abcdef0123456789abcdef01234567"
	w.SetEnv("FLEXSLOT_PAT", apiKey)
	r = w.Plan()
	requireWarning(t, r, "The API token is not a Personal Access Token", "flx_pat_", "partner API key")
	if strings.Contains(r.Stdout+r.Stderr, apiKey) {
		t.Fatal("the token appears in the output")
	}
}
