package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

func stringSetOf(values ...string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

func baseModel() oauth2ClientModel {
	return oauth2ClientModel{
		ApplicationName:  types.StringValue("Web"),
		ClientType:       types.StringValue("confidential"),
		RedirectURIs:     stringSetOf("https://b.example/cb", "https://a.example/cb"),
		AllowedScopes:    stringSetOf("openid"),
		RotationTriggers: types.MapNull(types.StringType),
	}
}

func TestUpdateRequestFromModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	state := baseModel()

	if _, changed, diags := updateRequestFromModels(ctx, state, baseModel()); changed || diags.HasError() {
		t.Fatalf("identical models: changed = %t, diags = %v", changed, diags)
	}

	plan := baseModel()
	plan.RedirectURIs = stringSetOf("https://c.example/cb", "https://a.example/cb")
	req, changed, diags := updateRequestFromModels(ctx, state, plan)
	if !changed || diags.HasError() {
		t.Fatalf("changed = %t, diags = %v", changed, diags)
	}
	if req.ApplicationName != nil || req.AllowedScopes != nil {
		t.Errorf("unchanged fields sent: %+v", req)
	}
	if want := []string{"https://a.example/cb", "https://c.example/cb"}; !slices.Equal(req.RedirectURIs, want) {
		t.Errorf("RedirectURIs = %v, want %v", req.RedirectURIs, want)
	}

	plan = baseModel()
	plan.ApplicationName = types.StringValue("Renamed")
	req, _, _ = updateRequestFromModels(ctx, state, plan)
	if req.ApplicationName == nil || *req.ApplicationName != "Renamed" || req.RedirectURIs != nil {
		t.Errorf("rename: %+v", req)
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
		"removed":      {types.MapNull(types.StringType), "confidential", true},
		"unknown":      {types.MapUnknown(types.StringType), "confidential", true},
		"public never": {triggers("2"), "public", false},
	} {
		plan := baseModel()
		plan.RotationTriggers = tc.plan
		plan.ClientType = types.StringValue(tc.typ)
		if got := secretRotationPlanned(state, plan); got != tc.want {
			t.Errorf("%s: secretRotationPlanned = %t, want %t", name, got, tc.want)
		}
	}
	added := baseModel()
	added.RotationTriggers = triggers("1")
	if !secretRotationPlanned(baseModel(), added) {
		t.Error("adding rotation_triggers must rotate")
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
	if err := parseClientID("flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y"); err != nil {
		t.Errorf("valid id refused: %v", err)
	}
	for _, id := range []string{"", "flx_client_", "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4", "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4YZ",
		"flx_client_01hx2k5v7q9m3n4p6r8s0t2w4y", "flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4U", " flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y"} {
		err := parseClientID(id)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q is not a Flexslot client ID", id)) {
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
		"limit":    {&flexslot.APIError{StatusCode: 409, Code: flexslot.CodeClientLimitReached}, "Revoke a client you no longer use"},
		"scope":    {&flexslot.APIError{StatusCode: 400, Code: flexslot.CodeInvalidScope}, "scope catalog"},
		"token":    {&flexslot.APIError{StatusCode: 401, Code: "unauthorized"}, "api_token or FLEXSLOT_PAT"},
		"throttle": {fmt.Errorf("giving up: %w", &flexslot.APIError{StatusCode: 429}), "Run apply again"},
		"timeout":  {fmt.Errorf("stopped: %w", context.DeadlineExceeded), "timeouts block"},
		"network":  {errors.New("connection refused"), "base_url"},
	} {
		if got := errorHint(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%s: errorHint = %q, want it to contain %q", name, got, tc.want)
		}
	}
}
