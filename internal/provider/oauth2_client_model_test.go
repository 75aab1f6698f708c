package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

func TestUpdateRequestFromModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	state := baseModel()

	if _, fields, diags := updateRequestFromModels(ctx, state, baseModel()); len(fields) > 0 || diags.HasError() {
		t.Fatalf("identical models: fields = %v, diags = %v", fields, diags)
	}

	plan := baseModel()
	plan.RedirectURIs = stringSetOf("https://c.example/cb", "https://a.example/cb")
	req, fields, diags := updateRequestFromModels(ctx, state, plan)
	if !slices.Equal(fields, []string{"redirect_uris"}) || diags.HasError() {
		t.Fatalf("fields = %v, diags = %v", fields, diags)
	}
	// Only the changed field, sorted.
	if diff := cmp.Diff(flexslot.UpdateRequest{RedirectURIs: []string{"https://a.example/cb", "https://c.example/cb"}}, req); diff != "" {
		t.Errorf("update request (-want +got):\n%s", diff)
	}

	plan = baseModel()
	plan.ApplicationName = types.StringValue("Renamed")
	req, _, _ = updateRequestFromModels(ctx, state, plan)
	renamed := "Renamed"
	if diff := cmp.Diff(flexslot.UpdateRequest{ApplicationName: &renamed}, req); diff != "" {
		t.Errorf("rename (-want +got):\n%s", diff)
	}

	// Emptied consent URLs and scopes are sent as "" and [], not left out.
	state.TosURL = types.StringValue("https://a.example/tos")
	plan = baseModel()
	plan.TosURL = types.StringValue("")
	plan.AllowedScopes = stringSetOf()
	req, fields, _ = updateRequestFromModels(ctx, state, plan)
	empty := ""
	if diff := cmp.Diff(flexslot.UpdateRequest{TosURL: &empty, AllowedScopes: []string{}}, req); diff != "" {
		t.Errorf("emptied fields (-want +got):\n%s", diff)
	}
	if !slices.Equal(fields, []string{"allowed_scopes", "tos_url"}) {
		t.Errorf("fields = %v", fields)
	}
}

func TestSecretRotationPlanned(t *testing.T) {
	t.Parallel()
	triggers := func(v string) types.Map {
		return types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue(v)})
	}
	state := baseModel()
	state.RotationTriggers = triggers("1")
	for name, tc := range map[string]struct {
		plan types.Map
		typ  string
		want bool
	}{
		"unchanged":    {triggers("1"), "confidential", false},
		"changed":      {triggers("2"), "confidential", true},
		"removed":      {types.MapNull(types.StringType), "confidential", false},
		"emptied":      {types.MapValueMust(types.StringType, map[string]attr.Value{}), "confidential", false},
		"unknown":      {types.MapUnknown(types.StringType), "confidential", true},
		"public never": {triggers("2"), "public", false},
	} {
		plan := baseModel()
		plan.RotationTriggers = tc.plan
		plan.ClientType = types.StringValue(tc.typ)
		if got, _ := secretRotationPlanned(state, plan); got != tc.want {
			t.Errorf("%s: secretRotationPlanned = %t, want %t", name, got, tc.want)
		}
	}
	added := baseModel()
	added.RotationTriggers = triggers("1")
	if got, _ := secretRotationPlanned(baseModel(), added); !got {
		t.Error("adding rotation_triggers must rotate")
	}

	recipients := func(r ...string) types.Set { return stringSetOf(r...) }
	for name, tc := range map[string]struct {
		state, plan types.Set
		want        bool
	}{
		"off to off":        {types.SetNull(types.StringType), recipients(), false},
		"turned on":         {types.SetNull(types.StringType), recipients("age1a"), true},
		"turned off":        {recipients("age1a"), types.SetNull(types.StringType), true},
		"recipient added":   {recipients("age1a"), recipients("age1a", "age1b"), true},
		"recipient removed": {recipients("age1a", "age1b"), recipients("age1b"), true},
		"unchanged":         {recipients("age1a"), recipients("age1a"), false},
	} {
		st, pl := baseModel(), baseModel()
		st.SecretRecipients, pl.SecretRecipients = tc.state, tc.plan
		if got, why := secretRotationPlanned(st, pl); got != tc.want {
			t.Errorf("recipients %s: secretRotationPlanned = %t (%s), want %t", name, got, why, tc.want)
		}
	}

	stale := baseModel()
	stale.SecretCurrent = types.BoolValue(false)
	whenStale := baseModel()
	whenStale.RotateWhenStale = types.BoolValue(true)
	if got, _ := secretRotationPlanned(stale, whenStale); !got {
		t.Error("rotate_when_stale with a stale secret must rotate")
	}
	if got, _ := secretRotationPlanned(stale, baseModel()); got {
		t.Error("a stale secret rotated without rotate_when_stale")
	}
}

func TestSecretIsStale(t *testing.T) {
	t.Parallel()
	issued := time.Date(2026, 6, 2, 18, 0, 0, 250_000_000, time.UTC)
	state := baseModel()
	state.ClientSecret = types.StringValue("flx_cs_x")
	state.SecretRotatedAt = timeValue(&issued)

	same := issued
	later := issued.Add(time.Millisecond)
	for name, tc := range map[string]struct {
		server *time.Time
		want   bool
	}{
		"same secret":          {&same, false},
		"rotated in dashboard": {&later, true},
		"no timestamp":         {nil, false},
	} {
		if got := secretIsStale(state, &flexslot.OAuth2Client{SecretRotatedAt: tc.server}); got != tc.want {
			t.Errorf("%s: secretIsStale = %t, want %t", name, got, tc.want)
		}
	}
	imported := state
	imported.ClientSecret = types.StringNull()
	if secretIsStale(imported, &flexslot.OAuth2Client{SecretRotatedAt: &later}) {
		t.Error("a client without a secret in state cannot hold a stale one")
	}
}

func TestParseClientID(t *testing.T) {
	t.Parallel()
	// Client IDs are opaque: any ID reaches the API, escaped as one path segment.
	for _, id := range []string{"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "opaque.id-2~x",
		".", "..", "cli_01HX/rotate-secret", "clé"} {
		if err := parseClientID(id); err != nil {
			t.Errorf("valid id %q refused: %v", id, err)
		}
	}
	for _, id := range []string{"", " cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "cli_01HX\n", "cli 01", "cli\u00a001", "\x1b[31mcli"} {
		err := parseClientID(id)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the client ID %q", id)) {
			t.Errorf("parseClientID(%q) = %v", id, err)
		}
	}
}

func TestErrorHint(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"limit":    {&flexslot.APIError{StatusCode: 409, Code: "FLEXSLOT_CLIENT_LIMIT_REACHED", ContentType: "application/json"}, "Revoke a client you no longer use"},
		"scope":    {&flexslot.APIError{StatusCode: 400, Code: "FLEXSLOT_INVALID_SCOPE", Field: "allowed_scopes[0]", ContentType: "application/json"}, "granted"},
		"token":    {&flexslot.APIError{StatusCode: 401, Code: "FLEXSLOT_UNAUTHORIZED", ContentType: "application/json"}, "not this client"},
		"throttle": {fmt.Errorf("giving up: %w", &flexslot.APIError{StatusCode: 429, Code: "X", ContentType: "application/json"}), "retries did not succeed"},
		"500":      {&flexslot.APIError{StatusCode: 500, Code: "X", ContentType: "application/json"}, "not retried"},
		"proxy":    {&flexslot.APIError{StatusCode: 404, ContentType: "text/html"}, "did not come from the Flexslot API"},
		"timeout":  {fmt.Errorf("stopped: %w", context.DeadlineExceeded), "timeouts block"},
		"network":  {errors.New("connection refused"), "base_url"},
		"revoke unconfirmed": {&flexslot.RevokeUnconfirmedError{ClientID: "cli_1", StatusCode: 204, ListedStatus: "active"},
			"Check base_url"},
		"404 while listed": {&flexslot.ListedNotFoundError{ClientID: "cli_1", Status: "active",
			Err: &flexslot.APIError{StatusCode: 404, Code: "FLEXSLOT_NOT_FOUND", ContentType: "application/json"}}, "Check base_url"},
	} {
		if got := errorHint(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%s: errorHint = %q, want it to contain %q", name, got, tc.want)
		}
	}
}

// TestAPIErrorDiagnosticAdvisesOnce checks that the advice of a diagnostic
// comes from the diagnostic alone, not again from the client's error.
func TestAPIErrorDiagnosticAdvisesOnce(t *testing.T) {
	t.Parallel()
	for name, err := range map[string]error{
		"revoke unconfirmed": &flexslot.RevokeUnconfirmedError{ClientID: "cli_1", StatusCode: 204, ListedStatus: "active"},
		"404 while listed": &flexslot.ListedNotFoundError{ClientID: "cli_1", Status: "active",
			Err: &flexslot.APIError{StatusCode: 404, Code: "FLEXSLOT_NOT_FOUND", ContentType: "application/json"}},
	} {
		d := apiErrorDiagnostic(opRevoke, "cli_1", err).Detail()
		if n := strings.Count(strings.ToLower(d), "check base_url"); n != 1 {
			t.Errorf("%s: the diagnostic says \"check base_url\" %d times, want once: %s", name, n, d)
		}
	}
}

func TestAPIErrorDiagnosticNextStep(t *testing.T) {
	t.Parallel()
	err := &flexslot.APIError{StatusCode: 503, Code: "X", ContentType: "application/json"}
	if d := apiErrorDiagnostic(opRead, "cli_1", err).Detail(); strings.Contains(d, "apply") {
		t.Errorf("a failed read suggests apply: %s", d)
	}
	if d := apiErrorDiagnostic(opCreate, "", err).Detail(); !strings.Contains(d, "run plan") {
		t.Errorf("a failed write does not suggest plan: %s", d)
	}
}

// FuzzParseClientID checks the import ID parser against an independent
// statement of the format, and that a refusal quotes the input safely: the
// error holds the id Go-quoted, so no control character or newline from an
// import ID reaches the terminal.
func FuzzParseClientID(f *testing.F) {
	for _, seed := range []string{
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"opaque-id.v2~x",
		"",
		".",
		"..",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y\n",
		" cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y/rotate-secret",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4\u0130",
		"cli_０1HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"\x1b[31mcli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"../../etc/passwd",
		"a%2Fb",
		"\xff\xfe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := parseClientID(id)
		if want := isClientID(id); (err == nil) != want {
			t.Fatalf("parseClientID(%q) = %v, want valid = %t", id, err, want)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Quote(id)) {
			t.Errorf("the error does not quote the id %q: %s", id, msg)
		}
		if strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("the error holds a control character: %q", msg)
		}
	})
}
